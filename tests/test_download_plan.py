"""`deig download`'s choice of files, on stored listings of the real repositories (tests/data/hub-listings).

Each listing records where it came from and which sizes are approximate. The expected file lists
and byte totals below were written by hand from those listings (diffusers' folder layout: the
scheduler config, unet/vae/text encoders with config and one set of safetensors weights, the
tokenizer files; the fp16 variant for float16 runs; never single-file checkpoints, pickles,
non-EMA weights, Flax/ONNX/OpenVINO exports or the safety checker).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deigcli.weights import plan_download
from renderers.diffusion.hub import Licence, known_licence
from renderers.diffusion.hubfiles import HubFile, select

LISTINGS = Path(__file__).parent / "data" / "hub-listings"


def stored(repo_id: str) -> tuple[list[HubFile], Licence]:
    data = json.loads((LISTINGS / (repo_id.replace("/", "--") + ".json")).read_text())
    assert data["repo_id"] == repo_id and data["sources"]
    return [HubFile(f["path"], f["size"]) for f in data["files"]], known_licence(repo_id)


SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5"
SDXL = "stabilityai/stable-diffusion-xl-base-1.0"
CN15 = "lllyasviel/control_v11p_sd15_openpose"
CNXL = "xinsir/controlnet-openpose-sdxl-1.0"
DEIG = "dushy5/DEIG"

SD15_COMMON = ["model_index.json", "scheduler/scheduler_config.json", "text_encoder/config.json",
               "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json",
               "tokenizer/vocab.json", "unet/config.json", "vae/config.json"]
SD15_FP16 = SD15_COMMON + ["text_encoder/model.fp16.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors",
                           "vae/diffusion_pytorch_model.fp16.safetensors"]
SD15_FULL = SD15_COMMON + ["text_encoder/model.safetensors", "unet/diffusion_pytorch_model.safetensors",
                           "vae/diffusion_pytorch_model.safetensors"]
SDXL_COMMON = ["model_index.json", "scheduler/scheduler_config.json", "text_encoder/config.json",
               "text_encoder_2/config.json", "tokenizer/merges.txt", "tokenizer/special_tokens_map.json",
               "tokenizer/tokenizer_config.json", "tokenizer/vocab.json", "tokenizer_2/merges.txt",
               "tokenizer_2/special_tokens_map.json", "tokenizer_2/tokenizer_config.json", "tokenizer_2/vocab.json",
               "unet/config.json", "vae/config.json"]
SDXL_FP16 = SDXL_COMMON + ["text_encoder/model.fp16.safetensors", "text_encoder_2/model.fp16.safetensors",
                           "unet/diffusion_pytorch_model.fp16.safetensors", "vae/diffusion_pytorch_model.fp16.safetensors"]
SDXL_FULL = SDXL_COMMON + ["text_encoder/model.safetensors", "text_encoder_2/model.safetensors",
                           "unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors"]
CN15_FP16 = ["config.json", "diffusion_pytorch_model.fp16.safetensors"]
CN15_FULL = ["config.json", "diffusion_pytorch_model.safetensors"]
CNXL_ANY = ["config.json", "diffusion_pytorch_model.safetensors"]  # no fp16 variant published; no "twins"
DEIG_FILES = ["model.pth", "T5-XL/config.json", "T5-XL/special_tokens_map.json", "T5-XL/spiece.model",
              "T5-XL/tokenizer.json", "T5-XL/tokenizer_config.json", "T5-XL/model.safetensors"]

# Sums of the listed sizes, added up by hand from the data files.
SIZES = {(SD15, "fp16"): 2_134_194_125, (SD15, "full"): 4_266_665_305,
         (CN15, "fp16"): 722_597_439, (CN15, "full"): 1_445_158_215,
         (SDXL, "fp16"): 6_941_187_536, (SDXL, "full"): 13_878_864_542,
         (CNXL, "fp16"): 2_502_140_949, (CNXL, "full"): 2_502_140_949,
         (DEIG, "fp16"): 9_859_130_175, (DEIG, "full"): 9_859_130_175}
FILES = {(SD15, "fp16"): SD15_FP16, (SD15, "full"): SD15_FULL, (CN15, "fp16"): CN15_FP16, (CN15, "full"): CN15_FULL,
         (SDXL, "fp16"): SDXL_FP16, (SDXL, "full"): SDXL_FULL, (CNXL, "fp16"): CNXL_ANY, (CNXL, "full"): CNXL_ANY,
         (DEIG, "fp16"): DEIG_FILES, (DEIG, "full"): DEIG_FILES}

CASES = [  # renderer, models given (None = its default), dtype, the repositories fetched in order
    ("regional", None, "float16", [SD15, CN15]),
    ("regional", None, "float32", [SD15, CN15]),
    ("regional", None, "bfloat16", [SD15, CN15]),
    ("regional", [SDXL], "float16", [SDXL, CNXL]),
    ("regional", [SDXL], "float32", [SDXL, CNXL]),
    ("finecontrolnet", None, "float16", [SD15, CN15]),
    ("finecontrolnet", None, "float32", [SD15, CN15]),
    ("deig", None, "float16", [DEIG]),
    ("deig", None, "float32", [DEIG]),
]


@pytest.mark.parametrize("renderer, models, dtype, repos", CASES)
def test_each_renderer_and_dtype_fetches_exactly_the_loaded_files(renderer, models, dtype, repos):
    from deigcli import registry

    ids = models or [registry.load("renderer", renderer).Options.model_fields["model"].default]
    planned = plan_download(ids, renderer=renderer, dtype=dtype, lister=stored)
    assert [item.need.repo_id for item in planned] == repos
    flavour = "fp16" if dtype == "float16" else "full"
    for item in planned:
        key = (item.need.repo_id, flavour)
        assert sorted(item.selection.paths) == sorted(FILES[key]), key
        assert item.selection.total_size == SIZES[key], key
    total = sum(item.selection.total_size for item in planned)
    assert total == sum(SIZES[(repo, flavour)] for repo in repos)


def test_the_default_sd15_download_is_a_tenth_of_the_repository():
    files, _ = stored(SD15)
    whole = sum(f.size for f in files)
    chosen = plan_download([SD15], renderer="regional", dtype="float16", lister=stored, controlnet=False)
    assert whole > 44e9 and chosen[0].selection.total_size == SIZES[(SD15, "fp16")] < 2.2e9


def test_no_controlnet_leaves_the_controlnet_out():
    planned = plan_download([SD15], renderer="regional", dtype="float32", lister=stored, controlnet=False)
    assert [item.need.repo_id for item in planned] == [SD15]


def test_what_is_never_taken():
    files, _ = stored(SD15)
    for variant in ("fp16", None):
        paths = select(files, variant=variant).paths
        assert not any(p.endswith((".ckpt", ".bin", ".yaml")) or "non_ema" in p or p.startswith(("safety_checker",
                       "feature_extractor", "v1-5")) for p in paths)


def test_pickles_only_with_the_opt_in_and_only_where_there_are_no_safetensors():
    listing = [HubFile("config.json", 1), HubFile("diffusion_pytorch_model.bin", 10)]
    assert select(listing, "controlnet").problems == ["the top level: no safetensors weights (only pickled .bin files)"]
    assert select(listing, "controlnet", allow_pickle=True).paths == ["config.json", "diffusion_pytorch_model.bin"]


def test_sharded_weights_come_with_their_index_and_the_chosen_variant_only():
    listing = [HubFile(p, 1) for p in (
        "config.json", "diffusion_pytorch_model.safetensors.index.json",
        "diffusion_pytorch_model-00001-of-00002.safetensors", "diffusion_pytorch_model-00002-of-00002.safetensors",
        "diffusion_pytorch_model.safetensors.index.fp16.json",
        "diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
        "diffusion_pytorch_model.fp16-00002-of-00002.safetensors")]
    full = select(listing, "controlnet", variant=None)
    half = select(listing, "controlnet", variant="fp16")
    assert sorted(full.paths) == ["config.json", "diffusion_pytorch_model-00001-of-00002.safetensors",
                                  "diffusion_pytorch_model-00002-of-00002.safetensors",
                                  "diffusion_pytorch_model.safetensors.index.json"]
    assert sorted(half.paths) == ["config.json", "diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
                                  "diffusion_pytorch_model.fp16-00002-of-00002.safetensors",
                                  "diffusion_pytorch_model.safetensors.index.fp16.json"]


def test_licences_of_the_known_repositories():
    for repo in (SD15, SDXL, CN15, CNXL):
        assert known_licence(repo).open
    assert not known_licence(DEIG).open  # no licence stated: only with --accept-license
    assert not known_licence("black-forest-labs/FLUX.1-dev").open
