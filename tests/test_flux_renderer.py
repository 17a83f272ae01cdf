"""The regional renderer on FLUX.1 (tiny random FLUX built in-process), on the CPU.

References are diffusers' own `FluxPipeline` / `FluxControlNetPipeline` and `FluxAttnProcessor`, and a
mask written out by hand; nothing is compared with the code under test.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch
from diffusers import FluxControlNetPipeline, FluxPipeline
from diffusers.models.transformers.transformer_flux import FluxAttnProcessor
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture)

from renderers.diffusion.control import pose_control_image
from renderers.flux.attention import Grounding, RegionalFluxAttnProcessor, attention_layers, binding_layers
from renderers.flux.masks import TextSegments, joint_mask
from renderers.flux.pipeline import UNION_POSE_MODE, FluxRegionalPipeline, FluxSettings
from renderers.flux.tiny import build_tiny_flux, build_tiny_flux_controlnet
from renderers.regional import RegionalRenderer
from scenes.errors import InvalidInput
from scenes.model import Scene

SEQ = 24  # T5 tokens of the global caption in these tests (the pipelines' max_sequence_length)


def png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def two_people(*, caption_b="a woman in a yellow dress", pose=None, background=None) -> Scene:
    return Scene(
        caption="a man in a red hat and a woman in a yellow dress", background=background, width=64, height=64,
        instances=[
            {"name": "man", "caption": "a man in a red hat", "box": [0.0, 0.0, 0.5, 1.0],
             **({"pose": pose} if pose else {})},
            {"name": "woman", "caption": caption_b, "box": [0.5, 0.0, 1.0, 1.0]},
        ],
    )


def ours(preset="tiny-flux", controlnet=None) -> FluxRegionalPipeline:
    return FluxRegionalPipeline(build_tiny_flux(preset), controlnet=controlnet)


def stock(preset="tiny-flux") -> FluxPipeline:
    pipe = FluxPipeline(**build_tiny_flux(preset))
    pipe.set_progress_bar_config(disable=True)
    return pipe


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# -- the mask, by hand ----------------------------------------------------------------------------

def test_joint_mask_matches_a_hand_written_one():
    # text: global g0 g1 | A a0 | B b0 b1 ; image: 2x2 grid p0 p1 / p2 p3; A covers p0, p2; B covers p1, p3.
    segments = TextSegments(global_tokens=2, instance_tokens=(1, 2))
    regions = np.array([[1, 0, 1, 0], [0, 1, 0, 1]], dtype=bool)
    rows = {  # g0 g1 a0 b0 b1 p0 p1 p2 p3
        "g0": "110001111", "g1": "110001111", "a0": "001001010", "b0": "000110101", "b1": "000110101",
        "p0": "111001111", "p1": "110111111", "p2": "111001111", "p3": "110111111",
    }
    expected = np.array([[c == "1" for c in row] for row in rows.values()])
    got = joint_mask(segments, regions, bind_images=False, order=[0, 1]).numpy()
    assert np.array_equal(got, expected)
    bound = joint_mask(segments, regions, bind_images=True, order=[0, 1]).numpy()
    expected[5:, 5:] = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]], dtype=bool)
    assert np.array_equal(bound, expected)


def test_background_caption_reaches_only_uncovered_tokens_and_front_instance_owns_overlaps():
    segments = TextSegments(global_tokens=1, instance_tokens=(1, 1), background_tokens=1)
    # A covers p0 p1, B covers p1 p2 (overlap at p1), p3 uncovered.
    regions = np.array([[1, 1, 0, 0], [0, 1, 1, 0]], dtype=bool)
    mask = joint_mask(segments, regions, bind_images=True, order=[1, 0]).numpy()  # B in front
    text = 4
    assert mask[text + 1, 1] and mask[text + 1, 2]  # p1 hears both captions
    assert mask[3, text + 3] and not mask[3, text + 0] and mask[text + 3, 3]  # background <-> p3 only
    assert mask[text + 1, text + 2] and not mask[text + 1, text + 0]  # p1 grouped with B (in front)


def test_binding_layers_middle_half():
    assert binding_layers("off", 57) == frozenset()
    assert binding_layers("all", 6) == frozenset(range(6))
    assert binding_layers("middle", 57) == frozenset(range(14, 43))
    assert binding_layers("middle", 8) == frozenset(range(2, 6))


# -- equal to diffusers --------------------------------------------------------------------------

@pytest.mark.parametrize("preset, guidance", [("tiny-flux", 0.0), ("tiny-flux-dev", 3.5)])
def test_no_instances_equals_flux_pipeline_bit_for_bit(preset, guidance):
    scene = Scene(caption="a red apple on a table", width=96, height=64)
    settings = FluxSettings(steps=3, guidance=guidance, max_sequence_length=SEQ)
    mine = ours(preset)(scene, [gen(7)], settings, device="cpu")[0]
    reference = stock(preset)(scene.caption, num_inference_steps=3, height=64, width=96, generator=gen(7),
                              max_sequence_length=SEQ, guidance_scale=guidance).images[0]
    assert png(mine) == png(reference)


def test_with_grounding_off_instances_change_nothing_and_equal_the_stock_pipeline():
    scene = two_people()
    settings = FluxSettings(steps=3, guidance=0.0, grounding_steps=0.0, max_sequence_length=SEQ)
    mine = ours()(scene, [gen(5)], settings, device="cpu")[0]
    reference = stock()(scene.caption, num_inference_steps=3, height=64, width=64, generator=gen(5),
                        max_sequence_length=SEQ, guidance_scale=0.0).images[0]
    assert png(mine) == png(reference)


def test_grounding_changes_the_picture_and_the_steps_after_it_are_plain_flux_steps():
    scene = two_people()
    pipe = ours()
    grounded = pipe(scene, [gen(5)], FluxSettings(steps=3, guidance=0.0, grounding_steps=0.34,
                                                  max_sequence_length=SEQ), device="cpu")[0]
    plain = pipe(scene, [gen(5)], FluxSettings(steps=3, guidance=0.0, grounding_steps=0.0,
                                               max_sequence_length=SEQ), device="cpu")[0]
    assert png(grounded) != png(plain)
    # After a grounded call the processors are inactive: the transformer is the stock one again.
    transformer = pipe.transformer
    reference = build_tiny_flux()["transformer"]
    inputs = dict(hidden_states=torch.randn(1, 16, 16, generator=gen(1)), timestep=torch.tensor([0.5]),
                  pooled_projections=torch.randn(1, 32, generator=gen(2)),
                  encoder_hidden_states=torch.randn(1, 5, 32, generator=gen(3)), txt_ids=torch.zeros(5, 3),
                  img_ids=FluxPipeline._prepare_latent_image_ids(1, 4, 4, "cpu", torch.float32), return_dict=False)
    with torch.no_grad():
        assert torch.equal(transformer(**inputs)[0], reference(**inputs)[0])


def test_pose_with_an_all_open_mask_equals_flux_controlnet_pipeline():
    scene = two_people(pose="standing")
    control_image = pose_control_image(scene)
    components = build_tiny_flux()
    controlnet = build_tiny_flux_controlnet()
    mine = FluxRegionalPipeline(components, controlnet=controlnet)(
        scene, [gen(9)], FluxSettings(steps=3, guidance=0.0, grounding_steps=0.0, max_sequence_length=SEQ,
                                      control_scale=0.8), device="cpu", control_image=control_image)[0]
    reference_pipe = FluxControlNetPipeline(controlnet=build_tiny_flux_controlnet(), **build_tiny_flux())
    reference_pipe.set_progress_bar_config(disable=True)
    reference = reference_pipe(scene.caption, control_image=control_image, control_mode=UNION_POSE_MODE,
                               controlnet_conditioning_scale=0.8, num_inference_steps=3, height=64, width=64,
                               generator=gen(9), max_sequence_length=SEQ, guidance_scale=0.0).images[0]
    assert png(mine) == png(reference)


# -- isolation, per attention layer --------------------------------------------------------------

def _captured_layer_inputs(pipe: FluxRegionalPipeline, scene: Scene, image_binding: str, model=None):
    """Run one grounded step and keep each attention layer's inputs (of the transformer, or `model`)."""
    seen = {}
    hooks = []
    model = model if model is not None else pipe.transformer
    for index, name in enumerate(attention_layers(model)):
        module = model.get_submodule(name.removesuffix(".processor"))

        def hook(module, args, kwargs, index=index):
            seen[index] = (module, {k: (v.clone() if torch.is_tensor(v) else v) for k, v in kwargs.items()},
                           [a.clone() for a in args])
        hooks.append(module.register_forward_pre_hook(hook, with_kwargs=True))
    try:
        pipe(scene, [gen(3)], FluxSettings(steps=1, guidance=0.0, grounding_steps=1.0, image_binding=image_binding,
                                           max_sequence_length=SEQ), device="cpu",
             control_image=pose_control_image(scene) if pipe.controlnet is not None else None)
    finally:
        for hook in hooks:
            hook.remove()
    return seen


@pytest.mark.parametrize("image_binding, where", [("off", "transformer"), ("middle", "transformer"),
                                                  ("off", "controlnet")])
def test_instance_b_caption_never_reaches_a_region_rows_in_any_layer(image_binding, where):
    scene = two_people(background="a sunny park", pose="standing" if where == "controlnet" else None)
    pipe = ours(controlnet=build_tiny_flux_controlnet() if where == "controlnet" else None)
    model = pipe.controlnet if where == "controlnet" else pipe.transformer
    seen = _captured_layer_inputs(pipe, scene, image_binding, model)
    text = pipe.encode(scene, FluxSettings(steps=1, guidance=0, max_sequence_length=SEQ), "cpu")
    shift = 1 if where == "controlnet" else 0  # the Union ControlNet's mode token leads its text
    start_b, end_b = (index + shift for index in text.segments.spans()[1])
    total_text = text.segments.total + shift
    a_rows = [r * 4 + c for r in range(4) for c in range(2)]  # the left half of the 4x4 token grid
    grounding = pipe.control_grounding if where == "controlnet" else pipe.grounding
    grounding.active = True
    assert len(seen) == (2 if where == "controlnet" else 6)
    for index, (module, kwargs, args) in seen.items():
        hidden = kwargs.get("hidden_states", args[0] if args else None)
        encoder = kwargs.get("encoder_hidden_states")
        rotary = kwargs.get("image_rotary_emb")
        processor = module.processor
        assert isinstance(processor, RegionalFluxAttnProcessor)
        with torch.no_grad():
            before = processor(module, hidden, encoder, None, rotary)
            if encoder is not None:  # a double block: text and image streams apart
                changed = encoder.clone()
                changed[:, start_b:end_b] += torch.randn(changed[:, start_b:end_b].shape, generator=gen(index)) * 3
                after = processor(module, hidden, changed, None, rotary)
                rows_before, rows_after = before[0][:, a_rows], after[0][:, a_rows]
                other_before, other_after = before[0], after[0]
            else:  # a single block: one [text; image] stream
                changed = hidden.clone()
                changed[:, start_b:end_b] += torch.randn(changed[:, start_b:end_b].shape, generator=gen(index)) * 3
                after = processor(module, changed, None, None, rotary)
                rows = [total_text + r for r in a_rows]
                rows_before, rows_after = before[:, rows], after[:, rows]
                other_before, other_after = before, after
        assert torch.equal(rows_before, rows_after), f"layer {index}: B's caption reached A's region"
        assert not torch.equal(other_before, other_after), "the change must reach B's own rows"


@pytest.mark.parametrize("backend", ["native", "flex"])
def test_the_attention_backend_honours_the_mask(backend):
    """Masked keys change nothing on any backend deig allows (the SD3 processor, by contrast, ignores masks)."""
    transformer = build_tiny_flux()["transformer"]
    module = transformer.transformer_blocks[0].attn
    grounding = Grounding(active=True)
    processor = RegionalFluxAttnProcessor(grounding, 0)
    processor._attention_backend = backend
    text, image = 3, 4
    mask = torch.ones(text + image, text + image, dtype=torch.bool)
    mask[text:, 2] = False  # image tokens may not see text token 2
    grounding.text_mask = mask[None, None]
    hidden = torch.randn(1, image, 32, generator=gen(1))
    encoder = torch.randn(1, text, 32, generator=gen(2))
    changed = encoder.clone()
    changed[:, 2] += 5.0
    with torch.no_grad():
        before = processor(module, hidden, encoder)[0]
        after = processor(module, hidden, changed)[0]
        grounding.active = False
        unmasked = processor(module, hidden, changed)[0]
        grounding.active = True
    assert torch.allclose(before, after, atol=1e-6), f"backend {backend} ignored the mask"
    assert not torch.allclose(before, unmasked, atol=1e-3)


def test_our_processor_without_a_mask_is_the_stock_processor():
    transformer = build_tiny_flux()["transformer"]
    module = transformer.single_transformer_blocks[1].attn
    hidden = torch.randn(1, 9, 32, generator=gen(4))
    with torch.no_grad():
        assert torch.equal(RegionalFluxAttnProcessor(Grounding(), 3)(module, hidden),
                           FluxAttnProcessor()(module, hidden))


# -- through the renderer and the command line ---------------------------------------------------

def make(**options) -> RegionalRenderer:
    return RegionalRenderer(RegionalRenderer.Options(**{"model": "tiny-flux", "device": "cpu", **options}))


def test_renderer_defaults_follow_the_flux_variant_and_the_same_seed_gives_the_same_bytes():
    scene = two_people()
    schnell, dev = make(), make(model="tiny-flux-dev")
    first = schnell.render(scene, [11, 12])
    again = make().render(scene, [11])
    assert png(first[0].image) == png(again[0].image) and png(first[0].image) != png(first[1].image)
    assert (schnell.flux.steps, schnell.flux.guidance) == (4, 0.0)
    assert (dev.flux.steps, dev.flux.guidance) == (28, 3.5)
    assert make(steps=2, guidance=5).flux.steps == 2
    record = schnell.describe()
    assert record.details["family"] == "flux" and record.options["steps"] == 4
    assert "scheduler" not in record.options and "grounding_steps" in record.options


def test_a_batch_equals_images_one_by_one():
    scene = two_people()
    batched = make(steps=2, batch_size=2).render(scene, [3, 4])
    single = [make(steps=2).render(scene, [seed])[0] for seed in (3, 4)]
    for a, b in zip(batched, single, strict=True):
        assert np.abs(pixels(a.image) - pixels(b.image)).max() <= 1


def test_bad_flux_options_are_refused_before_weights_load():
    with pytest.raises(ValueError, match="refuses attention masks"):
        RegionalRenderer.Options(attention_backend="flash")
    with pytest.raises(InvalidInput, match="'grounding_steps' applies to FLUX.1 models only"):
        RegionalRenderer(RegionalRenderer.Options(model="tiny", grounding_steps=0.5)).check_environment()
    with pytest.raises(InvalidInput, match="'scheduler' does not apply to FLUX.1"):
        make(scheduler="ddim").check_environment()


def test_other_renderers_refuse_flux_models():
    from renderers.finecontrolnet import FineControlNetRenderer

    renderer = FineControlNetRenderer(FineControlNetRenderer.Options(model="tiny-flux"))
    with pytest.raises(InvalidInput, match="is a FLUX.1"):
        renderer.check_environment()


def _save_flux_folder(folder):
    pipe = stock()
    pipe.save_pretrained(folder)
    return folder


def test_a_folder_without_the_t5_encoder_exits_2_naming_it(tmp_path, cli):
    import shutil

    folder = _save_flux_folder(tmp_path / "flux")
    shutil.rmtree(folder / "text_encoder_2")
    result = cli("render", "a red apple", "--model", str(folder), "-o", str(tmp_path / "out"))
    assert result.code == 2, result.stderr
    assert "text_encoder_2" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_folder_renders_like_the_preset_it_was_saved_from(tmp_path):
    folder = _save_flux_folder(tmp_path / "flux")
    scene = two_people()
    from_folder = make(model=str(folder), steps=2, max_sequence_length=SEQ).render(scene, [1])[0].image
    from_preset = make(steps=2, max_sequence_length=SEQ).render(scene, [1])[0].image
    assert np.abs(pixels(from_folder) - pixels(from_preset)).max() <= 1


def test_a_single_file_transformer_of_another_family_exits_2(tmp_path, cli):
    from safetensors.torch import save_file

    fake = tmp_path / "sd3.safetensors"
    save_file({"joint_blocks.0.x_block.attn.qkv.weight": torch.zeros(2, 2),
               "x_embedder.proj.weight": torch.zeros(2, 2)}, str(fake))
    flux_like = tmp_path / "flux2.safetensors"
    save_file({"double_stream_modulation_img.lin.weight": torch.zeros(2, 2),
               "single_transformer_blocks.0.attn.to_qkv_mlp_proj.weight": torch.zeros(2, 2),
               "x_embedder.weight": torch.zeros(2, 2)}, str(flux_like))
    from renderers.flux.sources import check_flux_model, file_family

    assert file_family(fake) == "Stable Diffusion 3" and file_family(flux_like) == "FLUX.2"
    with pytest.raises(InvalidInput, match="not a FLUX.1 transformer"):
        check_flux_model(str(flux_like), base="tiny-flux", allow_pickle=False)


def test_a_pose_controlnet_for_another_base_exits_2(tmp_path, cli):
    folder = tmp_path / "sd-openpose"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"_class_name": "ControlNetModel", "cross_attention_dim": 768}))
    (folder / "diffusion_pytorch_model.safetensors").write_bytes(b"")
    scene = tmp_path / "s.yaml"
    scene.write_text(two_people(pose="standing").model_dump_json())
    result = cli("render", "--scene", str(scene), "--model", "tiny-flux", "-O", f"controlnet={folder}",
                      "-o", str(tmp_path / "out"))
    assert result.code == 2, result.stderr
    assert "made for another base model than FLUX.1" in result.stderr


def test_flux_dev_is_listed_as_a_missing_piece_that_needs_the_licence_opt_in(tmp_path, monkeypatch):
    from renderers.weights import missing_error

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    scene = two_people(pose="standing")
    dev = make(model="black-forest-labs/FLUX.1-dev")
    needs = dev.weight_needs([scene])
    assert [(n.repo_id, n.kind) for n in needs] == [("black-forest-labs/FLUX.1-dev", "pipeline"),
                                                     ("Shakker-Labs/FLUX.1-dev-ControlNet-Union-Pro", "controlnet")]
    error = missing_error([n for n in needs if not n.here])
    assert error.exit_code == 4 and "--accept-license" in error.hint and "FLUX.1-dev" in error.hint
    schnell = make(model="black-forest-labs/FLUX.1-schnell").weight_needs([scene])
    assert [n.repo_id for n in schnell] == ["black-forest-labs/FLUX.1-schnell"]  # no open pose ControlNet
    assert "--accept-license" not in missing_error(schnell).hint


def test_download_picks_exactly_the_flux_pipeline_files():
    from renderers.diffusion.hubfiles import HubFile, select

    listing = [HubFile(p, 1) for p in (
        "model_index.json", "scheduler/scheduler_config.json", "flux1-schnell.safetensors", "ae.safetensors",
        "transformer/config.json", "transformer/diffusion_pytorch_model-00001-of-00003.safetensors",
        "transformer/diffusion_pytorch_model-00002-of-00003.safetensors",
        "transformer/diffusion_pytorch_model-00003-of-00003.safetensors",
        "transformer/diffusion_pytorch_model.safetensors.index.json",
        "text_encoder/config.json", "text_encoder/model.safetensors",
        "text_encoder_2/config.json", "text_encoder_2/model-00001-of-00002.safetensors",
        "text_encoder_2/model-00002-of-00002.safetensors", "text_encoder_2/model.safetensors.index.json",
        "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer_2/spiece.model", "tokenizer_2/tokenizer.json",
        "vae/config.json", "vae/diffusion_pytorch_model.safetensors", "README.md")]
    chosen = set(select(listing, "pipeline").paths)
    expected = {f.path for f in listing} - {"flux1-schnell.safetensors", "ae.safetensors", "README.md"}
    assert chosen == expected


def test_render_and_replay_through_the_cli_give_identical_bytes(tmp_path, cli):
    scene = tmp_path / "s.yaml"
    scene.write_text(two_people(pose="standing").model_dump_json())
    first = cli("render", "--scene", str(scene), "--model", "tiny-flux", "--steps", "2", "-o",
                     str(tmp_path / "a"))
    assert first.code == 0, first.stderr
    image = next(line for line in first.stdout.splitlines() if line.endswith(".png"))
    manifest = json.loads(open(image.removesuffix(".png") + ".json").read())
    assert manifest["renderer"]["details"]["family"] == "flux"
    assert any(model["role"] == "controlnet" for model in manifest["renderer"]["models"])
    again = cli("replay", image.removesuffix(".png") + ".json", "-o", str(tmp_path / "b"))
    assert again.code == 0, again.stderr
    replayed = next(line for line in again.stdout.splitlines() if line.endswith(".png"))
    assert open(image, "rb").read() == open(replayed, "rb").read()


@pytest.mark.quant
def test_int8_quantised_transformer_renders_close_to_the_full_precision_one():
    scene = two_people()
    full = make(steps=2, max_sequence_length=SEQ).render(scene, [4])[0].image
    quantised_renderer = make(steps=2, max_sequence_length=SEQ, quantize="int8")
    quantised = quantised_renderer.render(scene, [4])[0].image
    weight = quantised_renderer.flux.pipeline.transformer.transformer_blocks[0].attn.to_q.weight
    assert "Int8" in type(weight).__name__  # the weights really are int8 now
    difference = np.abs(pixels(full) - pixels(quantised))
    assert difference.mean() < 8 and difference.max() <= 255


def test_quantising_without_torchao_exits_4_with_the_install_hint(monkeypatch):
    import sys

    from scenes.errors import RendererUnavailable

    monkeypatch.setitem(sys.modules, "torchao", None)  # an uninstalled optional dependency
    monkeypatch.setitem(sys.modules, "torchao.quantization", None)
    with pytest.raises(RendererUnavailable, match="needs torchao") as error:
        make(quantize="int8").check_environment()
    assert "pip install torchao" in error.value.hint


def test_doctor_says_which_flux_is_openly_licensed(cli):
    result = cli("doctor", "--json")
    records = [json.loads(line) for line in result.stdout.splitlines() if "FLUX" in line]
    by_model = {record["check"].rsplit(" ", 1)[-1]: record["detail"] for record in records}
    assert "Apache-2.0" in by_model["FLUX.1-schnell"]
    assert "Non-Commercial" in by_model["FLUX.1-dev"] and "--accept-license" in by_model["FLUX.1-dev"]
