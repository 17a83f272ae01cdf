"""Checkpoint key names: the full-size architecture against the published key list, strictly."""

from __future__ import annotations

import json

import pytest
import torch
from deig_fixtures import SPEC_KEYS, one_torch_thread  # noqa: F401 (one_torch_thread: autouse fixture)

from renderers.deig.config import FULL, TINY
from renderers.deig.keys import CheckpointMismatch, KeyMap, convert_state, to_ldm_state, unet_rules, vae_rules
from renderers.deig.model import EXTRACTOR, UNET, build_modules, build_vae
from renderers.deig.tiny import build_tiny


@pytest.fixture(scope="module")
def published() -> dict:
    return json.loads(SPEC_KEYS.read_text())


@pytest.fixture(scope="module")
def full_shapes():
    return build_modules(FULL, "meta").parameter_shapes()


def test_full_size_model_matches_the_published_keys_exactly(published, full_shapes):
    keymap = KeyMap(unet_rules(FULL))
    converted = {}
    for key, shape in published["keys"].items():
        target = keymap.to_ours(key)
        assert target is not None, f"no rule for published key {key}"
        assert target not in converted, f"two published keys map onto {target}"
        converted[target] = tuple(shape)
    missing = sorted(set(full_shapes) - set(converted))
    extra = sorted(set(converted) - set(full_shapes))
    misshapen = {k: (converted[k], full_shapes[k]) for k in converted.keys() & full_shapes.keys()
                 if converted[k] != full_shapes[k]}
    assert (missing, extra, misshapen) == ([], [], {})
    assert len(full_shapes) == len(published["keys"]) == 1095


def test_full_size_tensor_and_parameter_counts_follow_the_spec(published, full_shapes):
    def group(key):
        if key.startswith("IDE."):
            return "IDE"
        if key.startswith("position_net."):
            return "position_net"
        return "fuser" if ".fuser." in key else "base_unet"

    counts = {}
    for key in published["keys"]:
        counts[group(key)] = counts.get(group(key), 0) + 1
    assert counts == published["counts"] == {"base_unet": 686, "fuser": 272, "position_net": 8, "IDE": 129}
    numel = {component: 0 for component in (UNET, EXTRACTOR)}
    for (component, _), shape in full_shapes.items():
        numel[component] += int(torch.Size(shape).numel())
    assert numel[EXTRACTOR] == 88_045_056
    assert numel[UNET] + numel[EXTRACTOR] == 1_156_668_260
    fuser = sum(int(torch.Size(s).numel()) for (c, n), s in full_shapes.items() if ".fuser." in n)
    assert fuser == 208_018_272


def test_key_map_round_trips_every_published_key(published):
    keymap = KeyMap(unet_rules(FULL))
    for key in published["keys"]:
        assert keymap.to_ldm(*keymap.to_ours(key)) == key


def test_tiny_preset_has_the_published_key_names(published):
    """Same structure, tiny widths: a tiny checkpoint exercises exactly the published names."""
    shapes = build_modules(TINY, "meta").parameter_shapes()
    keymap = KeyMap(unet_rules(TINY))
    assert {keymap.to_ldm(*target) for target in shapes} == set(published["keys"])


def test_unet_names_agree_with_diffusers_own_ldm_converter():
    """An independent check of the base-UNet part of the table: diffusers' single-file converter."""
    from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint

    modules, *_ = build_tiny()
    ours = {(UNET, n): t for n, t in modules.unet.state_dict().items()}
    ldm = to_ldm_state(ours, KeyMap(unet_rules(TINY)))
    base = {f"model.diffusion_model.{k}": v for k, v in ldm.items() if ".fuser." not in k and "position_net" not in k}
    theirs = convert_ldm_unet_checkpoint(base, dict(modules.unet.config))
    expected = {n: t for (_, n), t in ours.items() if ".fuser." not in n and not n.startswith("position_net")}
    assert theirs.keys() == expected.keys()
    assert all(torch.equal(theirs[k], expected[k]) for k in expected)


def test_vae_names_agree_with_diffusers_own_ldm_converter():
    from diffusers.loaders.single_file_utils import convert_ldm_vae_checkpoint

    _, vae, *_ = build_tiny()
    ours = vae.state_dict()
    ldm = to_ldm_state({("vae", n): t for n, t in ours.items()}, KeyMap(vae_rules(TINY)))
    assert any(t.ndim == 4 and t.shape[2:] == (1, 1) and "attn_1.q" in k for k, t in ldm.items())
    theirs = convert_ldm_vae_checkpoint(ldm, dict(vae.config))
    assert theirs.keys() == ours.keys()
    assert all(torch.equal(theirs[k].reshape(ours[k].shape), ours[k]) for k in ours)
    # and our own converter inverts the renaming exactly, conv-as-linear included
    shapes = {("vae", n): tuple(t.shape) for n, t in build_vae(TINY, "meta").state_dict().items()}
    back = convert_state(ldm, KeyMap(vae_rules(TINY)), shapes, "vae")["vae"]
    assert all(torch.equal(back[k], ours[k]) for k in ours)


def test_conversion_is_strict_about_unknown_missing_and_misshapen_keys():
    modules, *_ = build_tiny()
    keymap = KeyMap(unet_rules(TINY))
    shapes = build_modules(TINY, "meta").parameter_shapes()
    ldm = to_ldm_state({(c, n): t for c, m in modules.components().items() for n, t in m.state_dict().items()}, keymap)
    assert set(convert_state(ldm, keymap, shapes, "model")) == {UNET, EXTRACTOR}

    broken = dict(ldm)
    broken.pop("IDE.connector.latents")
    broken["input_blocks.1.1.transformer_blocks.0.fuser.extra.weight"] = torch.zeros(1)
    broken["out.2.weight"] = torch.zeros(3, 3)
    with pytest.raises(CheckpointMismatch) as caught:
        convert_state(broken, keymap, shapes, "model")
    problems = "\n".join(caught.value.problems)
    assert "unexpected key 'input_blocks.1.1.transformer_blocks.0.fuser.extra.weight'" in problems
    assert "missing key 'IDE.connector.latents'" in problems
    assert "'out.2.weight' has shape [3, 3]" in problems
    assert len(caught.value.problems) == 3
