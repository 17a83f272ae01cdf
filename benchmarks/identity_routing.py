"""What routing identity references costs per denoising step, against the same regional scene without them.

Builds the full-size SD-1.5 UNet (the published config in tests/data) with random weights and
random IP-Adapter key/value projections in every cross-attention layer (the shapes of h94's
plus adapter: 16 image tokens per reference), and times one classifier-free-guided denoising step
at 256x256 (latent 32x32, batch 2) of a regional scene with 2 and 4 instances, every instance
with a routed reference, against the same scene and processors without references. Encoding the
references (once per image, not per step) is not timed; the image tokens are random.

    python benchmarks/identity_routing.py [--size 256] [--pairs 7] [--threads 1] [--clock cpu]

Timing as in regional_overhead.py (benchmarks/_harness.py): one torch thread and the process's CPU
time by default, interleaved pairs (the order alternates), the median of the
pairs' ratios with half the interquartile range and the extremes; the 16 cross-attention layers
alone (the only part a reference changes) are timed the same way. Goal: at most 1.15 per step.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import add_arguments, build_unet, configure, fused_step, grid_scene, paired, spread, step_inputs  # noqa: E402
from regional_overhead import fusion_state  # noqa: E402

from renderers.regional.identity import IdentityState, RoutedIdentity, batch_tokens, identity_area  # noqa: E402
from renderers.regional.processors import give_identity_layers, install  # noqa: E402

COUNTS = (2, 4)
PLUS_TOKENS = 16  # image tokens per reference of the plus adapter (perceiver resampler)


def adapter_layers(unet, generator: torch.Generator) -> dict:
    layers = {}
    for name in unet.attn_processors:
        if name.endswith("attn2.processor"):
            width = unet.get_submodule(name.removesuffix(".processor")).to_q.out_features
            pair = []
            for _ in range(2):
                linear = torch.nn.Linear(768, width, bias=False)
                torch.nn.init.normal_(linear.weight, std=0.02, generator=generator)
                pair.append(linear.requires_grad_(False))
            layers[name] = [tuple(pair)]  # one adapter
    return layers


def identity_state(count: int, size: int, generator: torch.Generator) -> IdentityState:
    scene = grid_scene(count, size)
    latent = size // 8
    routed = []
    for index, instance in enumerate(scene.instances):
        positive, negative = (torch.randn(1, PLUS_TOKENS, 768, generator=generator) for _ in range(2))
        routed.append(RoutedIdentity(index, batch_tokens(positive, negative, 1, True), 0.8,
                                     identity_area(instance, scene)))
    return IdentityState(routed, (latent, latent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, pairs=7)
    args = parser.parse_args()
    configure(args)

    start = time.perf_counter()
    unet = build_unet()
    install(unet)
    generator = torch.Generator().manual_seed(0)
    give_identity_layers(unet, adapter_layers(unet, generator))
    print(f"built the SD-1.5 UNet with random IP-Adapter layers in {time.perf_counter() - start:.1f} s", flush=True)
    latents, context, timestep = step_inputs(args.size, generator)

    def step(state):
        return fused_step(unet, (latents, context, timestep), state)

    print(f"SD-1.5 UNet, {args.size}x{args.size}, CPU float32, {torch.get_num_threads()} thread(s), {args.clock} clock, "
          "guided batch of 2, "
          f"regional fusion; {args.pairs} interleaved pairs per line: median ratio ± half the interquartile range "
          "[min-max]", flush=True)
    # The cross-attention layers' inputs, for timing the layers alone (the only part a reference changes).
    layer_inputs: list[tuple[object, object, torch.Tensor]] = []
    hooks = [module.register_forward_pre_hook(
        lambda m, a, kw: layer_inputs.append((m, m.processor, a[0])), with_kwargs=True)
        for module in unet.modules() if getattr(module, "is_cross_attention", False)]
    step(fusion_state("regional", 2, args.size, generator))()
    for hook in hooks:
        hook.remove()

    def layers(state):
        def run():
            with torch.no_grad():
                for module, processor, hidden in layer_inputs:
                    processor(module, hidden, context, fusion=state)
        return run

    results = {}
    for count in COUNTS:
        without = fusion_state("regional", count, args.size, generator)
        routed = fusion_state("regional", count, args.size, generator)
        routed.sets = without.sets  # the same scene: only the references differ
        routed.identity = identity_state(count, args.size, generator)
        ratios, plains, others = paired(step(without), step(routed), args.pairs)
        layer_ratios, layer_plain, layer_routed = paired(layers(without), layers(routed), 2 * args.pairs)
        median, half, low, high = spread(ratios)
        layer_median, layer_half, _, _ = spread(layer_ratios)
        results[count] = median
        print(f"{count} references: step {statistics.median(others):.3f} s vs {statistics.median(plains):.3f} s "
              f"without, ratio {median:.3f} ± {half:.3f} [{low:.3f}-{high:.3f}]; the {len(layer_inputs)} "
              f"cross-attention layers: {statistics.median(layer_routed) * 1000:.1f} ms vs "
              f"{statistics.median(layer_plain) * 1000:.1f} ms (ratio {layer_median:.2f} ± {layer_half:.2f})",
              flush=True)
    for count in COUNTS:
        print(f"{count}-reference ratio: {results[count]:.3f} (goal: at most 1.15)")


if __name__ == "__main__":
    main()
