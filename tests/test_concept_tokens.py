"""Textual inversion per instance: each learned token lives in its own instance's caption only.

References: diffusers' own `load_textual_inversion` on a stock pipeline over the same components
(the learned token written into the prompt), and the vectors as written to the files."""

from __future__ import annotations

import pytest
import torch
from concept_fixtures import write_ti
from tiny_pipelines import one_thread, stock_pipeline  # noqa: F401 (one_thread: autouse fixture)

from renderers.regional import RegionalRenderer
from renderers.regional.prompts import encode_scene
from scenes.model import Scene

A_BOX, B_BOX = [0.0, 0.0, 0.5, 1.0], [0.5, 0.0, 1.0, 1.0]


def make(model: str = "tiny", **options) -> RegionalRenderer:
    return RegionalRenderer(RegionalRenderer.Options(model=model, **{"steps": 2, "device": "cpu", **options}))


def two_concepts(folder, rex: str = "rex.safetensors", tom: str = "tom.safetensors") -> Scene:
    # The global caption names both words plainly: they must stay plain words there.
    return Scene(caption="rex the dog and tom the cat", width=64, height=64, seed=1, instances=[
        {"name": "dog", "caption": "a photo of rex, a dog", "box": A_BOX, "concept": str(folder / rex),
         "concept_token": "rex"},
        {"name": "cat", "caption": "tom, a grey cat", "box": B_BOX, "concept": str(folder / tom), "concept_token": "tom"}])


def _encoded(renderer, scene):
    concepts = renderer._prepare_concepts(scene)
    return encode_scene(renderer.components, scene, "cpu", torch.float32, mode="regional",
                        caption_ids=concepts.caption_ids)


def test_each_caption_holds_its_own_learned_vectors_and_no_other_text_holds_any(tmp_path):
    rex = write_ti(tmp_path / "rex.safetensors", 1)
    tom = write_ti(tmp_path / "tom.safetensors", 2, vectors=2)
    renderer = make()
    renderer.load()
    scene = two_concepts(tmp_path)
    renderer._prepare_concepts(scene)  # rows appended once; the hook goes on the grown table
    table = renderer.components.text_encoders[0].get_input_embeddings()
    seen = []
    hook = table.register_forward_hook(lambda module, args, out: seen.append(out.detach().reshape(-1, out.shape[-1])))
    try:
        renderer.render(scene, [1])
    finally:
        hook.remove()

    def holds(rows: torch.Tensor, vector: torch.Tensor) -> bool:
        return bool((rows == vector).all(dim=-1).any())

    with_rex = [i for i, rows in enumerate(seen) if holds(rows, rex[0])]
    with_tom = [i for i, rows in enumerate(seen) if holds(rows, tom[0]) and holds(rows, tom[1])]
    assert len(with_rex) == 1 and len(with_tom) == 1 and with_rex != with_tom
    assert not any(holds(seen[i], tom[0]) or holds(seen[i], tom[1]) for i in with_rex)
    assert not any(holds(seen[i], rex[0]) for i in with_tom)
    assert len(seen) >= 5  # global caption, negative, base, two captions (and nothing else got a vector)


def test_a_caption_is_encoded_as_diffusers_encodes_it_with_the_token_loaded(tmp_path):
    rex = write_ti(tmp_path / "rex.safetensors", 1)
    tom = write_ti(tmp_path / "tom.safetensors", 2, vectors=2)
    renderer = make()
    renderer.load()
    scene = two_concepts(tmp_path)
    prompt = _encoded(renderer, scene)

    reference = make()
    reference.load()
    pipe = stock_pipeline(reference.components, reference.new_scheduler())
    pipe.load_textual_inversion(rex, token="<rex>")
    pipe.load_textual_inversion(tom, token=["<tom>", "<tom>_1"])

    def stock(text: str) -> torch.Tensor:
        return pipe.encode_prompt(text, device="cpu", num_images_per_prompt=1, do_classifier_free_guidance=False)[0]

    torch.testing.assert_close(prompt.sets[1], stock("a photo of <rex>, a dog"), rtol=0, atol=1e-6)
    torch.testing.assert_close(prompt.sets[2], stock("<tom>, a grey cat"), rtol=0, atol=1e-6)  # -> <tom> <tom>_1
    torch.testing.assert_close(prompt.global_tokens, stock("rex the dog and tom the cat"), rtol=0, atol=1e-6)


def test_changing_one_concept_changes_only_its_own_caption_and_region(tmp_path):
    write_ti(tmp_path / "rex.safetensors", 1)
    write_ti(tmp_path / "tom.safetensors", 2)
    write_ti(tmp_path / "tom2.safetensors", 3)
    renderer = make(base_ratio=0.3, mask_feather=0.0)
    renderer.load()
    first, second = two_concepts(tmp_path), two_concepts(tmp_path, tom="tom2.safetensors")
    one, two = _encoded(renderer, first), _encoded(renderer, second)
    assert torch.equal(one.global_tokens, two.global_tokens) and torch.equal(one.base_tokens, two.base_tokens)
    assert torch.equal(one.sets[1], two.sets[1])  # rex's caption
    assert not torch.equal(one.sets[2], two.sets[2])  # tom's caption

    # Through the processor: the first cross-attention of the first step (nothing before it differs).
    layer = renderer.components.unet.down_blocks[0].attentions[0].transformer_blocks[0].attn2
    outputs = []
    hook = layer.register_forward_hook(lambda module, args, out: outputs.append(out.detach().clone()))
    try:
        renderer.render(first, [1])
        calls = len(outputs)
        renderer.render(second, [1])
    finally:
        hook.remove()
    a, b = outputs[0], outputs[calls]
    side = int(a.shape[1] ** 0.5)
    left = (torch.arange(side * side) % side) < side // 2  # the dog's half: the tom concept must not reach it
    rows = a.shape[0] // 2  # the conditional rows (after the negative prompt's)
    assert torch.equal(a[:, left], b[:, left])
    assert not torch.equal(a[rows:, ~left], b[rows:, ~left])


def test_sdxl_learned_vectors_go_into_both_encoders(tmp_path):
    from safetensors.torch import save_file

    generator = torch.Generator().manual_seed(4)
    vectors = {"clip_l": torch.randn(1, 32, generator=generator), "clip_g": torch.randn(1, 32, generator=generator)}
    save_file(vectors, str(tmp_path / "rex.safetensors"))
    renderer = make("tiny-sdxl")
    renderer.load()
    scene = Scene(caption="rex", width=64, height=64, instances=[
        {"name": "dog", "caption": "a photo of rex, a dog", "box": A_BOX, "concept": str(tmp_path / "rex.safetensors"),
         "concept_token": "rex"}])
    prompt = _encoded(renderer, scene)
    reference = make("tiny-sdxl")
    reference.load()
    pipe = stock_pipeline(reference.components, reference.new_scheduler())
    pipe.load_textual_inversion(vectors["clip_l"], token="<rex>", text_encoder=pipe.text_encoder, tokenizer=pipe.tokenizer)
    pipe.load_textual_inversion(vectors["clip_g"], token="<rex>", text_encoder=pipe.text_encoder_2,
                                tokenizer=pipe.tokenizer_2)
    expected = pipe.encode_prompt("a photo of <rex>, a dog", device="cpu", num_images_per_prompt=1,
                                  do_classifier_free_guidance=False)[0]
    torch.testing.assert_close(prompt.sets[1], expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("mode", ["concat", "dense"])
def test_the_other_fusion_modes_use_the_learned_vectors_too(tmp_path, mode):
    write_ti(tmp_path / "rex.safetensors", 1)
    write_ti(tmp_path / "tom.safetensors", 2)
    write_ti(tmp_path / "tom2.safetensors", 3)
    renderer = make(fusion=mode)
    renderer.load()
    first = encode_scene(renderer.components, two_concepts(tmp_path), "cpu", torch.float32, mode=mode,
                         caption_ids=renderer._prepare_concepts(two_concepts(tmp_path)).caption_ids)
    other = two_concepts(tmp_path, tom="tom2.safetensors")
    second = encode_scene(renderer.components, other, "cpu", torch.float32, mode=mode,
                          caption_ids=renderer._prepare_concepts(other).caption_ids)
    assert torch.equal(first.region_tokens[0], second.region_tokens[0])
    assert not torch.equal(first.region_tokens[1], second.region_tokens[1])
