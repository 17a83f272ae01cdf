"""The `deig` renderer: limits, warnings, model location, memory, dtypes and the tiny render."""

from __future__ import annotations

import importlib.metadata
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from deig_fixtures import converted_tiny_dir, one_torch_thread, tiny_checkpoint_dir  # noqa: F401 (one_torch_thread: autouse fixture)

from renderers.deig import DeigOptions, DeigRenderer
from renderers.deig.config import FULL, TINY
from renderers.deig.grounding import FusionInput, InstancePositionNet
from renderers.deig.memory import GIB, estimate, require
from renderers.deig.model import build_modules, build_vae
from renderers.deig.text import T5Features, encoder_dtype
from scenes.errors import InvalidInput, RendererUnavailable, RenderFailed
from scenes.model import Scene


def scene(count: int = 2, size: int = 64, **extra) -> Scene:
    instances = [{"name": f"thing{i}", "caption": f"a thing number {i} painted red and blue",
                  "box": [0.02 * (i % 20), 0.02 * (i % 20), 0.5 + 0.02 * (i % 20), 0.6 + 0.02 * (i % 20)], **extra}
                 for i in range(count)]
    return Scene(caption="a test scene", background="a plain room", width=size, height=size, instances=instances)


def tiny(**options) -> DeigRenderer:
    return DeigRenderer(DeigOptions(model="tiny", steps=2, device="cpu", **options))


def test_registered_as_the_deig_renderer():
    [entry] = [e for e in importlib.metadata.entry_points(group="deig.renderers") if e.name == "deig"]
    assert entry.load() is DeigRenderer


def test_defaults_are_the_reference_ones():
    options = DeigOptions()
    assert (options.model, options.steps, options.guidance, options.scheduler) == ("dushy5/DEIG", 40, 7.5, "ddim")
    assert options.fusion == "masked" and options.strength_schedule == (1.0, 0.0, 0.0)
    assert DeigOptions(scheduler="default").scheduler == "ddim"
    with pytest.raises(ValueError, match="DDIM only"):
        DeigOptions(scheduler="euler")
    assert Scene(caption="x").width == Scene(caption="x").height == FULL.native_size == 512
    with pytest.raises(ValueError, match="use 2 or 4"):
        DeigOptions(steps=3)
    with pytest.raises(ValueError, match="sum"):
        DeigOptions(strength_schedule=(0.5, 0.2, 0.2))


def test_more_than_30_instances_is_an_error_pointing_to_regional():
    renderer = tiny()
    renderer.check(scene(30))
    with pytest.raises(InvalidInput) as caught:
        renderer.check(scene(31))
    assert caught.value.exit_code == 2
    assert "31 instances" in caught.value.message and "30" in caught.value.message
    assert "--renderer regional" in caught.value.hint


def test_poses_are_reported_as_unused():
    warnings = tiny().check(scene(2, pose="standing"))
    assert any("does not use poses" in w and "2 instance" in w for w in warnings)
    assert tiny().check(scene(2)) == []


def test_sides_must_fit_every_unet_level():
    with pytest.raises(InvalidInput, match="multiples of 64"):
        tiny().check(scene(1, size=72))
    # the published model warns off its native size (a cheap check: nothing is loaded)
    published = DeigRenderer(DeigOptions())
    assert any("trained at 512x512" in w for w in published.check(scene(1, size=1024)))
    assert published.check(scene(1, size=512)) == [] and tiny().check(scene(1, size=128)) == []


def test_unconverted_models_ask_for_a_conversion():
    tiny_checkpoint = tiny_checkpoint_dir()
    with pytest.raises(RendererUnavailable) as caught:
        DeigRenderer(DeigOptions(model="dushy5/DEIG", device="cpu")).check_environment()
    assert caught.value.exit_code == 4 and "not downloaded" in caught.value.message
    assert "deig download dushy5/DEIG --accept-license" in caught.value.hint
    assert "deig convert deig dushy5/DEIG" in caught.value.hint
    # a local pickle is refused like every pickle, with the same two ways out
    with pytest.raises(InvalidInput) as caught:
        DeigRenderer(DeigOptions(model=str(tiny_checkpoint), device="cpu")).check_environment()
    assert "pickle" in caught.value.message
    assert f"deig convert deig {tiny_checkpoint}" in caught.value.hint and "--allow-pickle" in caught.value.hint
    with pytest.raises(InvalidInput, match="neither a hub id"):
        DeigRenderer(DeigOptions(model="no such thing", device="cpu")).check_environment()
    with pytest.raises(InvalidInput, match="not a DEIG model"):
        DeigRenderer(DeigOptions(model="tiny-sdxl", device="cpu")).check_environment()


def test_allow_pickle_converts_once_into_the_cache_then_loads_safetensors():
    tiny_checkpoint = tiny_checkpoint_dir()
    private_cache = Path(os.environ["DEIG_CACHE_DIR"])  # a fresh folder per test (tests/conftest.py)
    renderer = DeigRenderer(DeigOptions(model=str(tiny_checkpoint), device="cpu", steps=2, allow_pickle=True))
    renderer.load()
    converted = renderer.location().converted
    assert converted.is_relative_to(private_cache) and (converted / "unet.safetensors").is_file()
    # a later run finds the converted copy and needs no opt-in
    later = DeigRenderer(DeigOptions(model=str(tiny_checkpoint), device="cpu", steps=2))
    later.check_environment()
    assert later.location().ready


def test_a_hub_model_that_cannot_be_downloaded_is_unavailable_before_loading():
    renderer = DeigRenderer(DeigOptions(model="dushy5/DEIG", device="cpu", allow_pickle=True))
    with pytest.raises(RendererUnavailable, match="not in the local model cache and HF_HUB_OFFLINE is set"):
        renderer.check_environment()
    with pytest.raises(RendererUnavailable):
        renderer.load()


def test_missing_cuda_is_unavailable(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RendererUnavailable, match="no CUDA GPU"):
        DeigRenderer(DeigOptions(model="tiny", device="cuda")).check_environment()
    with pytest.raises(InvalidInput, match="needs a CUDA device"):
        DeigRenderer(DeigOptions(model="tiny", device="cpu", offload="model")).check_environment()


def test_tiny_render_gives_one_image_per_seed_each_from_its_own_generator():
    renderer = tiny()
    renderer.load()
    calls = []
    together = renderer.render(scene(2), [11, 12], progress=lambda done, total: calls.append((done, total)))
    alone = renderer.render(scene(2), [12])
    assert [r.seed for r in together] == [11, 12]
    assert all(r.image.size == (64, 64) for r in together)
    assert np.array_equal(np.asarray(together[1].image), np.asarray(alone[0].image))
    assert not np.array_equal(np.asarray(together[0].image), np.asarray(together[1].image))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    record = renderer.describe()
    assert record.scheduler["iterations"] == 2 and record.models[0].id == "tiny"
    assert json.dumps(renderer.resolved_options(), sort_keys=True) == json.dumps(tiny().resolved_options(),
                                                                                 sort_keys=True)


def test_instance_captions_change_the_image_and_the_unconditional_pass_uses_null_grounding():
    renderer = tiny(guidance=3.0)
    renderer.load()
    recorded = []
    position_net = renderer.components.modules.unet.position_net
    position_net.register_forward_hook(lambda module, args, kwargs, out: recorded.append((kwargs["grounding"], out)),
                                       with_kwargs=True)
    base = np.asarray(renderer.render(scene(2), [5])[0].image, dtype=int)
    grounding, fused = recorded[0]
    # row 0 is the unconditional pass: no instance present, no box, no cell of any mask
    assert grounding.present[0].sum() == 0 and grounding.boxes[0].abs().sum() == 0
    assert grounding.present[1].tolist() == [1.0, 1.0]
    for n_visual in grounding.masks.by_tokens:
        assert not grounding.masks.at(n_visual)[0].any() and grounding.masks.at(n_visual)[1].any()
    assert isinstance(fused, FusionInput) and fused.tokens.shape == (2, 32, TINY.unet.cross_attention_dim)
    null = position_net.linears(torch.cat([position_net.null_positive_feature, position_net.null_position_feature]))
    assert torch.allclose(fused.tokens[0], null.expand(32, -1), atol=1e-6)
    # the captions do matter in the conditional pass
    other = scene(2).model_copy(update={"instances": [
        i.model_copy(update={"caption": "a completely different green object"}) for i in scene(2).instances]})
    assert np.abs(np.asarray(renderer.render(other, [5])[0].image, dtype=int) - base).max() > 0


def test_bfloat16_runs_on_the_cpu():
    renderer = tiny(dtype="bfloat16")
    renderer.load()
    [result] = renderer.render(scene(1), [3])
    assert renderer.describe().dtype == "bfloat16" and np.asarray(result.image).std() > 0


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_on_gpu(dtype):
    renderer = DeigRenderer(DeigOptions(model="tiny", steps=2, device="cuda", dtype=dtype))
    renderer.load()
    [result] = renderer.render(scene(2), [3])
    assert np.asarray(result.image).std() > 0 and renderer.describe().dtype == dtype


# -- memory needed, reported before loading ------------------------------------------------------


def full_counts() -> dict[str, int]:
    shapes = build_modules(FULL, "meta").parameter_shapes()
    counts = {"unet": 0, "extractor": 0}
    for (component, _), shape in shapes.items():
        counts[component] += int(torch.Size(shape).numel())
    counts["vae"] = sum(p.numel() for p in build_vae(FULL, "meta").parameters())
    counts["text_encoder"] = t5_xl_encoder_size()
    return counts


def t5_xl_encoder_size() -> int:
    """Parameters of a Flan-T5-XL encoder (the variant the spec names, §1.2), built on the meta device."""
    from transformers import T5Config, T5EncoderModel

    config = T5Config(vocab_size=32128, d_model=2048, d_kv=64, d_ff=5120, num_layers=24, num_heads=32,
                      feed_forward_proj="gated-gelu", tie_word_embeddings=False)
    with torch.device("meta"):
        return sum(p.numel() for p in T5EncoderModel(config).parameters())


# Parameter counts written out independently of the code: the spec's total for 'model' (UNet with
# fusers, position net and IDE, §1.1), SD's AutoencoderKL, and Flan-T5-XL's encoder by hand:
# embedding 32128*2048 + 24 layers * (attention 4*2048*2048 + gated FF 3*2048*5120 + 2 norms 2*2048)
# + relative position bias 32*32 + final norm 2048.
SPEC_MODEL = 1_156_668_260
SD_VAE = 83_653_863
T5_XL_ENCODER = 32128 * 2048 + 24 * (4 * 2048 * 2048 + 3 * 2048 * 5120 + 2 * 2048) + 32 * 32 + 2048


def test_the_counts_the_estimate_reads_are_the_published_ones():
    counts = full_counts()
    assert T5_XL_ENCODER == 1_223_527_424
    assert (counts["unet"] + counts["extractor"], counts["vae"], counts["text_encoder"]) == (
        SPEC_MODEL, SD_VAE, T5_XL_ENCODER)


def test_memory_estimate_arithmetic():
    counts = {"unet": SPEC_MODEL - 88_045_056, "extractor": 88_045_056, "vae": SD_VAE, "text_encoder": T5_XL_ENCODER}
    gib = 1024**3
    # fp16 run: UNet, IDE and VAE at 2 bytes, the T5 encoder kept at 4 (fp16 overflows in T5).
    fp16 = estimate(counts, FULL, height=512, width=512, dtype=torch.float16, slots=30)
    assert fp16.weights == 2 * (1_156_668_260 + 83_653_863) + 4 * 1_223_527_424 == 7_374_753_942
    # working: 8 heads x 4096 queries x (4096 + 30*16) keys, [uncond, cond], 2 bytes + 1 byte mask + 1 GiB
    assert fp16.working == 2 * 8 * 4096 * 4576 * 2 + 2 * 4096 * 4576 + gib == 1_711_013_888
    bf16 = estimate(counts, FULL, height=512, width=512, dtype=torch.float16, slots=30, text_dtype=torch.bfloat16)
    assert bf16.weights == 2 * (1_156_668_260 + 83_653_863 + 1_223_527_424)
    fp32 = estimate(counts, FULL, height=512, width=512, dtype=torch.float32, slots=30)
    assert fp32.weights == 4 * (1_156_668_260 + 83_653_863 + 1_223_527_424) == 9_855_398_188
    offloaded = estimate(counts, FULL, height=512, width=512, dtype=torch.float16, slots=30, offload="model")
    # model offload holds one group at a time: the fp32 T5-XL encoder (4.9 GB) is the largest
    assert offloaded.weights == 4 * 1_223_527_424
    streamed = estimate(counts, FULL, height=512, width=512, dtype=torch.float16, slots=30, offload="sequential")
    assert streamed.weights == 0 and streamed.working == fp16.working


def test_a_device_too_small_is_reported_with_the_memory_needed():
    needed = estimate(full_counts(), FULL, height=512, width=512, dtype=torch.float32, slots=30, device="cuda:0")
    require(needed, needed.total)  # exactly enough is enough
    require(needed, None)  # unknown free memory: no claim
    with pytest.raises(RendererUnavailable) as caught:
        require(needed, 4 * GIB)
    message = caught.value.message
    assert f"{needed.total / GIB:.1f} GiB" in message and "only 4.0 GiB is free" in message
    assert "float32" in message and "--dtype float16" in caught.value.hint
    assert caught.value.exit_code == 4


def test_check_environment_compares_the_converted_model_with_free_memory(monkeypatch):
    converted_tiny = converted_tiny_dir()
    from renderers.deig import memory

    renderer = DeigRenderer(DeigOptions(model=str(converted_tiny), device="cpu"))
    monkeypatch.setattr(memory, "free_memory", lambda device: 1024)
    with pytest.raises(RendererUnavailable, match="only 0.0 GiB is free"):
        renderer.check_environment()
    monkeypatch.setattr(memory, "free_memory", lambda device: 64 * GIB)
    renderer.check_environment()


def test_position_net_is_ours_in_every_built_unet():
    assert isinstance(build_modules(TINY, "meta").unet.position_net, InstancePositionNet)


# -- the T5 encoder's precision --------------------------------------------------------------------

def test_the_t5_encoder_stays_in_fp32_when_the_unet_runs_in_fp16():
    renderer = DeigRenderer(DeigOptions(model="tiny", steps=2, device="cpu", dtype="float16"))
    renderer.load()
    components = renderer.components
    assert next(components.modules.unet.parameters()).dtype == torch.float16
    assert next(components.text.encoder.parameters()).dtype == torch.float32
    features = components.text(["a red kite"], "cpu", torch.float16)
    assert features.dtype == torch.float16 and torch.isfinite(features).all()


def test_encoder_precision_rule():
    cpu = torch.device("cpu")
    assert encoder_dtype(torch.float16, cpu) == torch.float32
    assert encoder_dtype(torch.float32, cpu) == torch.float32
    assert encoder_dtype(torch.bfloat16, cpu) == torch.bfloat16  # bf16 has fp32's range: no overflow


def test_text_features_that_are_not_finite_stop_the_render():
    from renderers.deig.tiny import build_tiny

    _, _, tokenizer, encoder = build_tiny()
    with torch.no_grad():
        encoder.shared.weight[:] = float("inf")  # what an fp16 overflow inside T5 leaves behind
    with pytest.raises(RenderFailed, match="not finite"):
        T5Features(tokenizer, encoder, 16)(["a red kite"], "cpu", torch.float32)


def test_render_checks_the_scene_itself_before_loading():
    # Called directly (not through the command line), render() must still refuse what check() refuses,
    # and before any weight is built.
    renderer = tiny()
    for bad, fragment in ((scene(31), "31 instances"), (scene(2, size=96), "multiples of 64")):
        with pytest.raises(InvalidInput, match=fragment):
            renderer.render(bad, [1])
    assert renderer.components is None
