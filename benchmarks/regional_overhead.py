"""What detail fusion costs per denoising step, against a plain Stable Diffusion step.

Builds the full-size SD-1.5 UNet (the published config in tests/data) with random weights and
times, in one run, one classifier-free-guided denoising step at 256x256 (latent 32x32, batch 2)
with 0, 2, 4, 8 and 16 instances (captions of about 15 words), against a plain SD step with one
77-token prompt and diffusers' stock attention processor. Each instance adds only its caption's
real tokens to the keys; for comparison it also times the first sketch's layout, where every
instance added 77 padded tokens.

Token counts come from the real CLIP tokenizer when open_clip's vocabulary file is installed
(`pip install --no-deps open_clip_torch`); otherwise from a word count (+1 per punctuation mark and
one end token), which is what CLIP's BPE gives for plain English words. Text encoding is not timed
(it happens once per image, not per step); the embeddings are random.

    flock /work/wt/heavy.lock python benchmarks/regional_overhead.py [--size 256] [--repeats 5]

The configurations are timed in interleaved rounds (round 0 is a warm-up), and each is reported
by its fastest round: other work on the machine can only add time, so the minimum is the estimate
least disturbed by it (the medians are printed too). The last line is the ratio at 8 instances
(target: at most 1.10).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import statistics
import sys
import time
from pathlib import Path

import torch
from diffusers import UNet2DConditionModel
from diffusers.models.attention_processor import AttnProcessor2_0

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from renderers.regional.processors import FusionState, RegionalCrossAttnProcessor, install  # noqa: E402
from renderers.regional.prompts import GLOBAL  # noqa: E402
from renderers.regional.regions import RegionMasks  # noqa: E402
from scenes.model import Scene  # noqa: E402

CAPTIONS = [
    "a tall man wearing a red woollen hat, a blue denim jacket and brown leather boots",
    "a young woman in a long yellow summer dress holding a bright green umbrella over her head",
    "a small white dog with black spots and a red collar sitting on the wet grass",
    "an old wooden bench painted dark green with curly iron armrests and a brass plaque",
    "a child in a striped orange raincoat jumping into a shallow muddy puddle with both feet",
    "a red bicycle with a wicker basket full of fresh sunflowers leaning against a lamp post",
    "a grey stone fountain with three tiers, water spilling over the edges into a round pool",
    "an elderly woman with silver hair in a purple cardigan reading a thick hardback book",
    "a black cat with bright yellow eyes curled up asleep on a faded blue cushion",
    "a street vendor in a white apron selling roasted chestnuts from a small metal cart",
    "a tall oak tree with golden autumn leaves and a wooden swing hanging from one branch",
    "a teenage boy in a green hoodie and white sneakers riding a skateboard down the path",
    "a vintage blue car with chrome bumpers and round headlights parked beside the curb",
    "a brown paper kite shaped like a fish flying high on a long red string",
    "a couple of pigeons pecking at bread crumbs scattered on the cobblestones near a bin",
    "a jazz musician in a black suit and fedora playing a shiny golden saxophone",
]
INSTANCE_COUNTS = (0, 2, 4, 8, 16)
PADDED = 77


def clip_token_counter():
    """Real CLIP BPE counts from open_clip's vocabulary file, or None when it is not installed."""
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        return None
    vocab_file = Path(spec.submodule_search_locations[0]) / "bpe_simple_vocab_16e6.txt.gz"
    if not vocab_file.is_file():
        return None
    from transformers import CLIPTokenizer

    from renderers.diffusion.tiny import byte_symbols

    lines = gzip.open(vocab_file).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : 49152 - 256 - 2 + 1]]
    symbols = byte_symbols()
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
    tokenizer = CLIPTokenizer(vocab={t: i for i, t in enumerate(vocab)}, merges=merges, model_max_length=77)
    return lambda text: len(tokenizer(text, add_special_tokens=False).input_ids)


def word_token_counter(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


def build_unet() -> UNet2DConditionModel:
    config = json.loads((ROOT / "tests" / "data" / "sd15_unet_config.json").read_text())
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        unet = UNet2DConditionModel.from_config(config)
    return unet.eval().requires_grad_(False)


def grid_scene(count: int, size: int) -> Scene:
    columns = max(1, int(count**0.5 + 0.999))
    rows = max(1, -(-count // columns))
    instances = [{"name": f"thing {i}", "caption": CAPTIONS[i % len(CAPTIONS)],
                  "box": [(i % columns) / columns, (i // columns) / rows,
                          (i % columns + 1) / columns, (i // columns + 1) / rows]} for i in range(count)]
    return Scene(caption="a busy park on a rainy autumn afternoon", width=size, height=size, instances=instances)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="canvas side in pixels (default 256)")
    parser.add_argument("--repeats", type=int, default=7, help="timed rounds; the fastest is reported")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    counter = clip_token_counter()
    count_tokens = counter or word_token_counter
    lengths = [count_tokens(c) + 1 for c in CAPTIONS]  # words + end token
    print(f"caption tokens ({'CLIP BPE' if counter else 'word count'}): words {min(len(c.split()) for c in CAPTIONS)}"
          f"-{max(len(c.split()) for c in CAPTIONS)}, real tokens {min(lengths)}-{max(lengths)}", flush=True)

    start = time.perf_counter()
    unet = build_unet()
    print(f"built the SD-1.5 UNet ({sum(p.numel() for p in unet.parameters()) / 1e6:.1f}M parameters, random "
          f"weights) in {time.perf_counter() - start:.1f} s", flush=True)

    generator = torch.Generator().manual_seed(0)
    latent = args.size // 8
    latents = torch.randn(2, 4, latent, latent, generator=generator)  # [negative; conditional]
    global_tokens = torch.randn(1, 77, 768, generator=generator)
    negative = torch.randn(1, 77, 768, generator=generator)
    timestep = torch.tensor(500)

    def regional_inputs(count: int, padded: bool):
        scene = grid_scene(count, args.size)
        tokens = [PADDED if padded else lengths[i % len(lengths)] for i in range(count)]
        groups = [(GLOBAL, 77)] + [(i, n) for i, n in enumerate(tokens)]
        conditional = torch.cat([global_tokens] + [torch.randn(1, n, 768, generator=generator) for n in tokens], dim=1)
        filler = torch.zeros(1, conditional.shape[1] - 77, 768)
        context = torch.cat([torch.cat([negative, filler], dim=1), conditional])
        fusion = FusionState(RegionMasks(scene, feather=1.0, pose_dilation=0.2), groups, latent_hw=(latent, latent),
                             strength=1.0, negative_rows=1, negative_length=77)
        fusion.cross_active = count > 0  # as the renderer: no instances, no fusion
        return context, fusion

    cases = {"plain": None}
    for count in INSTANCE_COUNTS:
        cases[f"regional {count}"] = (count, False)
    cases["padded 8"] = (8, True)
    inputs = {name: regional_inputs(*spec) for name, spec in cases.items() if spec is not None}
    stock = AttnProcessor2_0()
    plain_context = torch.cat([negative, global_tokens])

    def step(name: str) -> float:
        if name == "plain":
            unet.set_attn_processor(stock)
            kwargs = {"encoder_hidden_states": plain_context}
        else:
            install(unet)
            context, fusion = inputs[name]
            kwargs = {"encoder_hidden_states": context, "cross_attention_kwargs": {"fusion": fusion}}
        begin = time.perf_counter()
        with torch.no_grad():
            unet(latents, timestep, return_dict=False, **kwargs)
        return time.perf_counter() - begin

    timings: dict[str, list[float]] = {name: [] for name in cases}
    for round_index in range(args.repeats + 1):  # round 0 warms up (and builds each mask bias once)
        for name in cases:
            elapsed = step(name)
            if round_index:
                timings[name].append(elapsed)
        print(f"round {round_index}/{args.repeats} done", file=sys.stderr, flush=True)

    # The cross-attention layers alone, timed many times each: the only part of a step that fusion
    # changes, so a noise-resistant estimate of the step ratio is (plain step + added time) / plain step.
    unet.set_attn_processor(stock)
    layer_inputs: list[tuple[object, torch.Tensor]] = []
    hooks = [module.register_forward_pre_hook(lambda m, a, kw: layer_inputs.append((m, a[0])), with_kwargs=True)
             for module in unet.modules() if getattr(module, "is_cross_attention", False)]
    with torch.no_grad():
        unet(latents, timestep, encoder_hidden_states=plain_context, return_dict=False)
    for hook in hooks:
        hook.remove()
    regional_processor = RegionalCrossAttnProcessor()

    def fastest(call, repeats: int = 15) -> float:
        call()
        times = []
        for _ in range(repeats):
            begin = time.perf_counter()
            call()
            times.append(time.perf_counter() - begin)
        return min(times)

    added: dict[int, float] = {}
    with torch.no_grad():
        plain_layers = sum(fastest(lambda m=m, h=h: stock(m, h, plain_context)) for m, h in layer_inputs)
        for count in INSTANCE_COUNTS[1:]:
            context, fusion = inputs[f"regional {count}"]
            regional_layers = sum(fastest(lambda m=m, h=h, c=context, f=fusion: regional_processor(m, h, c, fusion=f))
                                  for m, h in layer_inputs)
            added[count] = regional_layers - plain_layers

    context, fusion = regional_inputs(8, False)
    begin = time.perf_counter()
    for side in (latent, latent // 2, latent // 4, latent // 8):
        fusion.cross_bias(side * side, torch.device("cpu"), torch.float32)
    setup = time.perf_counter() - begin

    best = {name: min(values) for name, values in timings.items()}
    median = {name: statistics.median(values) for name, values in timings.items()}
    plain = best["plain"]
    print(f"SD-1.5 UNet, {args.size}x{args.size}, CPU float32, {torch.get_num_threads()} thread(s), guided batch of 2, "
          f"fastest of {args.repeats} rounds (median in brackets)")
    print(f"plain SD step (one 77-token prompt, stock processor): {plain:.3f} s ({median['plain']:.3f} s)")
    print("instances  keys  step (s)          ratio")
    for count in INSTANCE_COUNTS:
        name = f"regional {count}"
        keys = 77 + sum(lengths[i % len(lengths)] for i in range(count))
        print(f"{count:>9}  {keys:>4}  {best[name]:.3f} ({median[name]:.3f})  {best[name] / plain:.3f} "
              f"({median[name] / median['plain']:.3f})")
    print(f"for comparison, 8 instances of 77 padded tokens each ({77 * 9} keys): {best['padded 8']:.3f} s, "
          f"ratio {best['padded 8'] / plain:.3f} ({median['padded 8'] / median['plain']:.3f})")
    print(f"the {len(layer_inputs)} cross-attention layers alone (fastest of 15 each): {plain_layers * 1000:.1f} ms "
          "per plain step; fusion adds " + ", ".join(f"{added[c] * 1000:.1f} ms at {c}" for c in added)
          + " instances, i.e. step ratios " + ", ".join(f"{(plain + added[c]) / plain:.3f}" for c in added))
    print(f"masks and biases for 8 instances, all layer resolutions: {setup * 1000:.1f} ms once per render")
    print(f"8-instance ratio: {best['regional 8'] / plain:.3f}")


if __name__ == "__main__":
    main()
