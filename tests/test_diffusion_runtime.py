"""The shared diffusion runtime: options, model sources, the tiny preset, text, seeds, decoding, records."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from pydantic import ValidationError
from tiny_pipelines import one_thread, save_tiny_pipeline  # noqa: F401 (one_thread: autouse fixture)

from renderers.diffusion import tiny
from renderers.diffusion.decoding import decode, use_tiling
from renderers.diffusion.devices import check_offload, resolve_device, resolve_dtype
from renderers.diffusion.latents import generators, initial_latents
from renderers.diffusion.loading import load_components
from renderers.diffusion.options import DiffusionOptions
from renderers.diffusion.records import file_sha256, folder_sha256, modules_sha256
from renderers.diffusion.schedulers import SCHEDULER_NAMES, SCHEDULERS, make_scheduler
from renderers.diffusion.sources import parse_source, snapshot_revision
from renderers.diffusion.text import encode_padded, encode_real_tokens
from renderers.regional import RegionalRenderer
from renderers.weights import missing_error
from scenes.errors import EXIT_INVALID, EXIT_UNAVAILABLE, InvalidInput, RendererUnavailable
from scenes.model import Scene

SCENE = Scene(caption="a red kite over a beach", width=64, height=64, negative="blurry")



def png_bytes(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# -- options ------------------------------------------------------------------------------------

def test_options_carry_the_cli_flag_names_with_documented_defaults():
    options = DiffusionOptions()
    assert {"model", "steps", "guidance", "scheduler", "device", "dtype", "offload", "allow_pickle",
            "vae_tiling"} <= set(DiffusionOptions.model_fields)
    assert (options.model, options.device, options.dtype, options.offload, options.allow_pickle,
            options.vae_tiling) == ("stable-diffusion-v1-5/stable-diffusion-v1-5", "auto", "auto", "none",
                                    False, "auto")
    assert options.scheduler in SCHEDULER_NAMES


@pytest.mark.parametrize("field, value", [
    ("scheduler", "dpm-fast"), ("device", "gpu"), ("device", "cuda:x"), ("dtype", "float8"),
    ("offload", "disk"), ("steps", 0), ("guidance", -1.0), ("vae_tiling", "sometimes"), ("model", " "),
    ("no_such_option", 1),
])
def test_options_refuse_bad_values(field, value):
    with pytest.raises(ValidationError) as error:
        DiffusionOptions(**{field: value})
    assert field in str(error.value)


def test_scheduler_and_device_names_are_normalised():
    options = DiffusionOptions(scheduler="DPM++2M-Karras", device="CUDA:1")
    assert (options.scheduler, options.device) == ("dpm++2m-karras", "cuda:1")


def test_options_round_trip_through_json():
    options = RegionalRenderer.Options(model="tiny", steps=3, fusion_strength=2.0)
    dumped = json.loads(json.dumps(options.model_dump(mode="json")))
    assert RegionalRenderer.Options(**dumped) == options


# -- devices --------------------------------------------------------------------------------------

def test_cpu_resolves_to_float32_and_explicit_dtypes_are_kept():
    cpu = resolve_device("cpu")
    assert cpu.type == "cpu"
    assert resolve_dtype("auto", cpu) == torch.float32
    assert resolve_dtype("bfloat16", cpu) == torch.bfloat16
    assert resolve_dtype("auto", torch.device("cuda", 0)) == torch.float16


def test_absent_cuda_device_is_unavailable_exit_4():
    with pytest.raises(RendererUnavailable) as error:
        resolve_device(f"cuda:{torch.cuda.device_count() + 7}")
    assert error.value.exit_code == EXIT_UNAVAILABLE and error.value.hint


def test_offload_needs_cuda():
    check_offload("none", torch.device("cpu"))
    with pytest.raises(InvalidInput) as error:
        check_offload("model", torch.device("cpu"))
    assert error.value.exit_code == EXIT_INVALID and "CUDA" in error.value.message
    renderer = RegionalRenderer(RegionalRenderer.Options(model="tiny", device="cpu", offload="sequential"))
    with pytest.raises(InvalidInput):
        renderer.check_environment()


# -- sources --------------------------------------------------------------------------------------

def test_model_sources_are_classified_without_loading(tmp_path):
    assert parse_source("tiny").kind == "tiny" and parse_source("tiny-sdxl").tiny_family == "sdxl"
    assert parse_source("stable-diffusion-v1-5/stable-diffusion-v1-5").kind == "hub"
    assert parse_source(str(tmp_path)).kind == "folder"
    file = tmp_path / "m.safetensors"
    file.write_bytes(b"x")
    assert parse_source(str(file)).kind == "file"


def test_missing_local_path_is_unavailable_and_nonsense_is_invalid(tmp_path):
    with pytest.raises(RendererUnavailable) as missing:
        parse_source(str(tmp_path / "nowhere.safetensors"))
    assert missing.value.exit_code == EXIT_UNAVAILABLE and "--model" not in missing.value.message
    with pytest.raises(InvalidInput):
        parse_source("not a model id")


def test_hub_model_missing_offline_is_a_missing_piece_naming_deig_download(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    renderer = RegionalRenderer(RegionalRenderer.Options(device="cpu"))
    renderer.check_environment()  # the cache is not the environment: validate and render list it separately
    [need] = renderer.weight_needs([])
    assert need.repo_id == "stable-diffusion-v1-5/stable-diffusion-v1-5" and need.problems() == ["not downloaded"]
    error = missing_error([need])
    assert error.exit_code == EXIT_UNAVAILABLE
    assert "deig download stable-diffusion-v1-5/stable-diffusion-v1-5" in error.hint
    assert "--model PATH" not in error.hint and "hf download" not in error.hint


def _fake_hub_snapshot(cache: Path, repo: str, commit: str, files: dict[str, str]) -> Path:
    root = cache / ("models--" + repo.replace("/", "--"))
    (root / "refs").mkdir(parents=True)
    (root / "refs" / "main").write_text(commit)
    for name, text in files.items():
        path = root / "snapshots" / commit / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_cached_config_without_weights_is_incomplete_and_revision_is_the_snapshot(tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    commit = "a" * 40
    _fake_hub_snapshot(tmp_path, "someone/model", commit, {"model_index.json": "{}"})
    assert snapshot_revision("someone/model", "model_index.json") == commit
    renderer = RegionalRenderer(RegionalRenderer.Options(model="someone/model", device="cpu"))
    [need] = renderer.weight_needs([])
    assert "unet/config.json is missing" in need.problems() and "unet/: no safetensors weights" in need.problems()
    assert "deig download someone/model" in missing_error([need]).hint


def test_pickle_checkpoint_files_need_the_opt_in(tmp_path):
    checkpoint = tmp_path / "model.ckpt"
    checkpoint.write_bytes(b"not really a pickle")
    refused = RegionalRenderer(RegionalRenderer.Options(model=str(checkpoint), device="cpu"))
    with pytest.raises(InvalidInput) as error:
        refused.check_environment()
    assert "--allow-pickle" in error.value.hint and "weights_only=True" in error.value.hint
    RegionalRenderer(RegionalRenderer.Options(model=str(checkpoint), device="cpu",
                                              allow_pickle=True)).check_environment()
    other = tmp_path / "model.txt"
    other.write_text("x")
    with pytest.raises(InvalidInput):
        RegionalRenderer(RegionalRenderer.Options(model=str(other), device="cpu")).check_environment()


@pytest.mark.parametrize("family, key, base", [
    ("sd15", "model.diffusion_model.output_blocks.11.0.skip_connection.weight",
     "stable-diffusion-v1-5/stable-diffusion-v1-5"),
    ("sdxl", "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias",
     "stabilityai/stable-diffusion-xl-base-1.0"),
])
def test_single_file_checkpoint_without_base_configs_offline_exits_4(tmp_path, monkeypatch, family, key, base):
    import huggingface_hub.constants
    from safetensors.torch import save_file

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "cache"))
    checkpoint = tmp_path / "model.safetensors"
    save_file({key: torch.zeros(2)}, str(checkpoint))
    renderer = RegionalRenderer(RegionalRenderer.Options(model=str(checkpoint), device="cpu"))
    renderer.check_environment()
    assert renderer.model_family() == family  # read from the file's header, no weights loaded
    with pytest.raises(RendererUnavailable) as error:
        renderer.load()
    assert error.value.exit_code == EXIT_UNAVAILABLE
    assert f"hf download {base} --include" in error.value.hint


# -- local folders: the real loading code on weights saved here -----------------------------------

@pytest.mark.parametrize("family, preset", [("sd15", "tiny"), ("sdxl", "tiny-sdxl")])
def test_local_diffusers_folder_renders_like_the_preset_it_was_saved_from(tmp_path, family, preset):
    save_tiny_pipeline(family, tmp_path / "model", safe=True)
    options = dict(steps=2, device="cpu", scheduler="ddim")
    from_folder = RegionalRenderer(RegionalRenderer.Options(model=str(tmp_path / "model"), **options))
    from_preset = RegionalRenderer(RegionalRenderer.Options(model=preset, **options))
    from_folder.check_environment()
    assert from_folder.model_family() == family
    a = from_folder.render(SCENE, [11])[0].image
    b = from_preset.render(SCENE, [11])[0].image
    # Two differently built (loaded vs constructed) but equal models may sum in another float order
    # (seen with transformers 5.24+: 2 pixels one level apart): within one grey level, not bit for bit.
    difference = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16))
    assert difference.max() <= 1
    assert difference.mean() < 0.01  # a handful of pixels, not a different picture
    # The same objects run again are bit-exact (what replay relies on).
    assert png_bytes(from_folder.render(SCENE, [11])[0].image) == png_bytes(a)
    ref = from_folder.describe().models[0]
    assert ref.revision == "sha256:" + folder_sha256((tmp_path / "model").resolve())


def test_pickle_weights_in_a_folder_load_only_with_the_opt_in(tmp_path):
    save_tiny_pipeline("sd15", tmp_path / "model", safe=False)
    assert list((tmp_path / "model" / "unet").glob("*.bin"))
    refused = RegionalRenderer(RegionalRenderer.Options(model=str(tmp_path / "model"), device="cpu"))
    with pytest.raises(InvalidInput):
        refused.check_environment()
    allowed = RegionalRenderer(RegionalRenderer.Options(model=str(tmp_path / "model"), device="cpu", steps=2,
                                                        allow_pickle=True))
    image = allowed.render(SCENE, [3])[0].image
    assert image.size == (64, 64)


def test_folder_without_unet_weights_is_unavailable(tmp_path):
    save_tiny_pipeline("sd15", tmp_path / "model", safe=True)
    for weights in (tmp_path / "model" / "unet").glob("*.safetensors"):
        weights.unlink()
    with pytest.raises(RendererUnavailable):
        RegionalRenderer(RegionalRenderer.Options(model=str(tmp_path / "model"), device="cpu")).check_environment()


# -- the tiny preset ------------------------------------------------------------------------------

def test_tiny_builds_are_identical_and_leave_the_global_seed_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    first, second = tiny.build_sd15(), tiny.build_sd15()
    assert torch.equal(torch.rand(3), expected)
    assert modules_sha256(first[0], first[1], first[2][0]) == modules_sha256(second[0], second[1], second[2][0])
    assert modules_sha256(tiny.build_controlnet("sd15")) == modules_sha256(tiny.build_controlnet("sd15"))


def test_tiny_controlnet_outputs_are_not_zero():
    controlnet = tiny.build_controlnet("sd15")
    down, mid = controlnet(torch.randn(1, 4, 8, 8), 10, encoder_hidden_states=torch.randn(1, 5, 32),
                           controlnet_cond=torch.rand(1, 3, 64, 64), return_dict=False)
    assert all(r.abs().max() > 0 for r in down) and mid.abs().max() > 0


def test_tiny_tokenizer_handles_any_text_offline():
    tokenizer = tiny.tiny_tokenizer()
    ids = tokenizer("café ☕ über").input_ids
    assert ids[0] == tokenizer.bos_token_id == 512 and ids[-1] == tokenizer.eos_token_id == 513
    assert tokenizer.unk_token_id not in ids[1:-1]
    assert tokenizer.model_max_length == 77


# -- text -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sd15():
    return load_components("tiny", dtype=torch.float32, allow_pickle=False)


def test_real_tokens_are_words_and_end_token_matching_the_padded_encoding(sd15):
    caption = "a man in a red hat"
    (tokens,) = encode_real_tokens(sd15, [caption], "cpu")
    words = len(sd15.tokenizers[0](caption, add_special_tokens=False).input_ids)
    assert tokens.shape == (words + 1, 32)
    padded = encode_padded(sd15, [caption], "cpu").tokens[0]
    # CLIP's attention is causal, so the unpadded encoding equals the padded one up to the end token.
    torch.testing.assert_close(tokens, padded[1 : words + 2], rtol=1e-5, atol=1e-6)


def test_long_captions_are_encoded_in_windows_without_losing_words(sd15):
    caption = "a very long detail caption " * 10  # 270 characters: several 75-token windows
    words = len(sd15.tokenizers[0](caption, add_special_tokens=False).input_ids)
    (tokens,) = encode_real_tokens(sd15, [caption], "cpu")
    windows = -(-words // 75)
    assert tokens.shape[0] == words + windows  # every word, and one end token per window


def test_batched_caption_encoding_equals_one_by_one(sd15):
    captions = ["a dog", "a woman in a long yellow dress", "a tree"]
    together = encode_real_tokens(sd15, captions, "cpu")
    for caption, tokens in zip(captions, together, strict=True):
        torch.testing.assert_close(tokens, encode_real_tokens(sd15, [caption], "cpu")[0], rtol=1e-5, atol=1e-6)


# -- schedulers, seeds, decoding ------------------------------------------------------------------

@pytest.mark.parametrize("name", SCHEDULER_NAMES)
def test_every_scheduler_name_builds_on_the_checkpoint_config(name, sd15):
    scheduler = make_scheduler(name, sd15.scheduler_config)
    class_name, overrides = SCHEDULERS[name]
    assert type(scheduler).__name__ == (class_name or sd15.scheduler_config["_class_name"])
    for key, value in overrides.items():
        assert scheduler.config[key] == value
    assert scheduler.config.beta_schedule == "scaled_linear"
    scheduler.set_timesteps(4)
    sample = torch.randn(1, 4, 8, 8)
    for t in scheduler.timesteps:
        sample = scheduler.step(torch.zeros_like(sample), t, scheduler.scale_model_input(sample, t),
                                return_dict=False)[0]
    assert torch.isfinite(sample).all()


def test_noise_of_a_batch_equals_noise_drawn_one_by_one(sd15):
    scheduler = make_scheduler("euler", sd15.scheduler_config)
    scheduler.set_timesteps(2)
    kwargs = dict(channels=4, height=8, width=6, scheduler=scheduler, device="cpu", dtype=torch.float32)
    batch = initial_latents(generators([5, 6, 7]), **kwargs)
    singles = torch.cat([initial_latents(generators([seed]), **kwargs) for seed in (5, 6, 7)])
    assert torch.equal(batch, singles)


def test_vae_tiling_switches_on_for_large_canvases(sd15):
    assert not use_tiling("auto", 1024, 1024, 512) and use_tiling("auto", 1536, 1024, 512)
    assert use_tiling("on", 64, 64, 512) and not use_tiling("off", 4096, 4096, 512)
    latents = torch.randn(1, 4, 24, 16)
    tiled = decode(sd15.vae, latents, tiled=True)[0]
    assert sd15.vae.use_tiling and tiled.size == (128, 192)
    plain = decode(sd15.vae, latents, tiled=False)[0]
    assert not sd15.vae.use_tiling and plain.size == (128, 192)


# -- records --------------------------------------------------------------------------------------

def test_local_weight_digests_change_with_the_weights(tmp_path):
    (tmp_path / "unet").mkdir()
    weights = tmp_path / "unet" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(b"one")
    (tmp_path / "unet" / "config.json").write_text("{}")
    assert file_sha256(weights) == hashlib.sha256(b"one").hexdigest()
    before = folder_sha256(tmp_path)
    (tmp_path / "unet" / "config.json").write_text('{"changed": 1}')  # not weights
    assert folder_sha256(tmp_path) == before
    weights.write_bytes(b"two")
    assert folder_sha256(tmp_path) != before


def test_describe_records_models_scheduler_dtype_and_device():
    renderer = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2, device="cpu"))
    renderer.render(SCENE, [1])
    record = renderer.describe()
    assert record.name == "regional" and record.dtype == "float32" and record.device == "cpu"
    assert [m.role for m in record.models] == ["pipeline"]
    assert record.models[0].revision.startswith("sha256:")
    assert record.scheduler["class"] == "DPMSolverMultistepScheduler"
    assert record.scheduler["config"]["use_karras_sigmas"] is True
    # Every option with its value, except the FLUX-only ones on an SD model (left out so that a replay
    # of this manifest does not set them, which FLUX-only options on SD would refuse).
    from renderers.flux.options import FLUX_ONLY

    expected = {k: v for k, v in renderer.options.model_dump(mode="json").items() if k not in FLUX_ONLY}
    assert record.options == expected and set(FLUX_ONLY).isdisjoint(record.options)
    json.dumps(record.model_dump(mode="json"))
    assert np.asarray(renderer.render(SCENE, [1])[0].image).std() > 0


def test_sdxl_added_conditions_are_the_uncropped_canvas_on_every_row():
    from renderers.diffusion.sdxl import added_conditions

    pooled = torch.randn(3, 8, dtype=torch.float64)
    added = added_conditions(pooled, 64, 128)
    assert added["text_embeds"] is pooled
    assert added["time_ids"].tolist() == [[64, 128, 0, 0, 64, 128]] * 3 and added["time_ids"].dtype == torch.float64
