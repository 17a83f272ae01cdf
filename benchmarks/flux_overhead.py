"""What grounding costs per FLUX step: compact instance tokens against a plain step and EliGen's padding.

Builds a full-width FLUX.1 transformer (3072 wide, 24 heads of 128, T5 width 4096, CLIP width 768, as
in black-forest-labs/FLUX.1-schnell's config) with random weights and reduced depth (2 double-stream
+ 4 single-stream blocks instead of 19 + 38, so it fits 24 GB), and times one denoising step at
512x512 (1024 image tokens) in three ways, interleaved in rounds (round 0 is a warm-up):

- plain: the global caption alone (512 T5 tokens), diffusers' stock processor, no mask;
- ours: the global caption plus 8 instance captions at their real token counts, under the grounding
  mask (our processors, native SDPA);
- padded: the same 8 instances padded to 512 tokens each, as EliGen does, under its mask.

Token counts: real T5 tokens need the T5 vocabulary (not downloadable here); the count used is
words + punctuation marks + 1 end token, a slight under-estimate for rare words. Embeddings are
random (text encoding happens once per image, not per step). Each configuration is reported by its
median over the timed rounds and its spread (max - min); the last two lines give the ratios to plain.

    python benchmarks/flux_overhead.py [--rounds 3] [--size 512] [--double 2] [--single 4]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from renderers.flux.attention import Grounding, install  # noqa: E402
from renderers.flux.masks import TextSegments, scene_masks  # noqa: E402
from scenes.model import Scene  # noqa: E402

CAPTIONS = [
    "a tall man wearing a red woollen hat, a blue denim jacket and brown leather boots",
    "a young woman in a long yellow summer dress holding a bright green umbrella",
    "a small white dog with black spots and a red collar sitting on the grass",
    "an old wooden bench painted dark green with curly iron armrests",
    "a child in a striped orange raincoat jumping into a muddy puddle",
    "a red bicycle with a wicker basket full of sunflowers",
    "a grey stone fountain with three tiers and water spilling over the edges",
    "an elderly woman with silver hair in a purple cardigan reading a book",
]
GLOBAL_TOKENS = 512


def t5_tokens(text: str) -> int:
    return len(re.findall(r"\w+", text)) + len(re.findall(r"[^\w\s]", text)) + 1


def scene_of(count: int, size: int) -> Scene:
    boxes = [[(i % 4) / 4, (i // 4) / 2, (i % 4) / 4 + 0.25, (i // 4) / 2 + 0.5] for i in range(count)]
    return Scene(caption="a busy park", width=size, height=size,
                 instances=[{"name": "thing", "caption": c, "box": b} for c, b in zip(CAPTIONS, boxes, strict=False)])


def build(double: int, single: int):
    from diffusers import FluxTransformer2DModel

    torch.manual_seed(0)
    model = FluxTransformer2DModel(patch_size=1, in_channels=64, num_layers=double, num_single_layers=single,
                                   attention_head_dim=128, num_attention_heads=24, joint_attention_dim=4096,
                                   pooled_projection_dim=768, guidance_embeds=False, axes_dims_rope=[16, 56, 56])
    return model.eval().requires_grad_(False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--double", type=int, default=2)
    parser.add_argument("--single", type=int, default=4)
    parser.add_argument("--instances", type=int, default=8)
    args = parser.parse_args()

    model = build(args.double, args.single)
    grounding = Grounding()
    install(model, grounding)
    grid = args.size // 16
    image_tokens = grid * grid
    scene = scene_of(args.instances, args.size)
    compact = TextSegments(GLOBAL_TOKENS, tuple(t5_tokens(c) for c in CAPTIONS[: args.instances]))
    padded = TextSegments(GLOBAL_TOKENS, (GLOBAL_TOKENS,) * args.instances)
    masks = {"ours": scene_masks(scene, compact, grid, grid)[0], "padded": scene_masks(scene, padded, grid, grid)[0]}
    texts = {"plain": GLOBAL_TOKENS, "ours": compact.total, "padded": padded.total}
    generator = torch.Generator().manual_seed(1)
    latents = torch.randn(1, image_tokens, 64, generator=generator)
    pooled = torch.randn(1, 768, generator=generator)
    image_ids = torch.zeros(image_tokens, 3)
    image_ids[:, 1] = torch.arange(grid).repeat_interleave(grid)
    image_ids[:, 2] = torch.arange(grid).repeat(grid)
    embeds = {name: torch.randn(1, count, 4096, generator=generator) for name, count in texts.items()}

    def step(name: str) -> float:
        grounding.active = name != "plain"
        grounding.text_mask = masks.get(name)
        start = time.perf_counter()
        with torch.no_grad():
            model(hidden_states=latents, timestep=torch.tensor([0.5]), pooled_projections=pooled,
                  encoder_hidden_states=embeds[name], txt_ids=torch.zeros(texts[name], 3), img_ids=image_ids,
                  return_dict=False)
        return time.perf_counter() - start

    print(f"FLUX transformer: {args.double} double + {args.single} single blocks, full width, random weights, "
          f"{args.size}x{args.size} ({image_tokens} image tokens), {torch.get_num_threads()} threads, float32, CPU")
    print(f"text tokens: plain {texts['plain']}, ours {texts['ours']} (+{texts['ours'] - GLOBAL_TOKENS} for "
          f"{args.instances} instances), padded {texts['padded']}")
    times: dict[str, list[float]] = {name: [] for name in texts}
    for round_index in range(args.rounds + 1):
        for name in texts:
            seconds = step(name)
            if round_index:
                times[name].append(seconds)
        if round_index:
            print(f"round {round_index}: " + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in texts), flush=True)
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:>6}: median {median[name]:.2f} s per step, spread {max(values) - min(values):.2f} s")
    ours, padded_ratio = median["ours"] / median["plain"], median["padded"] / median["plain"]
    share = (ours - 1) / (padded_ratio - 1) if padded_ratio > 1 else float("nan")
    print(f"ours / plain at {args.instances} instances: {ours:.3f} (goal <= 1.15); padded / plain: {padded_ratio:.3f}")
    print(f"our overhead as a share of the padded variant's overhead: {share:.3f} (goal <= 0.333)")


if __name__ == "__main__":
    main()
