"""What masked LoRAs cost per denoising step, against the same regional step without LoRAs.

Builds the full-size SD-1.5 UNet (the published config in tests/data) with random weights and a
scene of 4 instances in a grid (default `regional` fusion, random 77-token texts), and times one
classifier-free-guided step at 256x256 (latent 32x32, batch 2) with 1, 2 and 4 of the instances
carrying a LoRA (random, rank 16 by default, on every attention projection to_q/k/v/out and both
feed-forward projections, as renderers/diffusion/lora.py applies them: each inside its region and on
its own caption's K/V), against the same step without LoRAs.

    python benchmarks/concept_cost.py [--size 256] [--pairs 9] [--rank 16] [--threads 1] [--clock cpu]

Timing as in regional_overhead.py (benchmarks/_harness.py): one torch thread and the process's CPU
time by default, interleaved pairs (the order alternates), the median of the pairs' ratios with half
the interquartile range and the extremes. Wrapping the layers happens once
per render, not per step, and is not timed. Each line also gives the ratio of floating-point
operations (torch's FlopCounterMode: matmuls, convolutions, attention), which a busy machine
cannot disturb. The last line is the timed ratio at 4 LoRAs (goal: at most 1.2).
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

from renderers.diffusion.lora import LoraPart, Routing, applied  # noqa: E402
from renderers.regional.processors import FusionState, install  # noqa: E402
from renderers.regional.regions import RegionMasks, layer_size  # noqa: E402

INSTANCES = 4
LORA_COUNTS = (1, 2, 4)
TARGETS = ("to_q", "to_k", "to_v", "to_out.0", "ff.net.0.proj", "ff.net.2")


def random_lora(unet, rank: int, generator: torch.Generator) -> dict[str, LoraPart]:
    parts = {}
    for name, module in unet.named_modules():
        if isinstance(module, torch.nn.Linear) and name.endswith(TARGETS):
            parts[name] = LoraPart(torch.randn(rank, module.in_features, generator=generator) * 0.01,
                                   torch.randn(module.out_features, rank, generator=generator) * 0.01, 1.0)
    return parts


def regional_state(regions: RegionMasks, latent: int, generator: torch.Generator, routing=None,
                   columns=None) -> FusionState:
    sets = [torch.randn(1, 77, 768, generator=generator) for _ in range(INSTANCES + 2)]  # base, instances, background
    state = FusionState(regions, latent_hw=(latent, latent), negative_rows=1, mode="regional", sets=sets,
                        has_background=True, base_ratio=0.25, routing=routing, concept_columns=columns)
    state.cross_active = True
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, pairs=9)
    parser.add_argument("--rank", type=int, default=16, help="LoRA rank (default 16)")
    args = parser.parse_args()
    configure(args)

    start = time.perf_counter()
    unet = build_unet()
    install(unet)
    print(f"built the SD-1.5 UNet ({sum(p.numel() for p in unet.parameters()) / 1e6:.1f}M parameters, random "
          f"weights) in {time.perf_counter() - start:.1f} s", flush=True)
    generator = torch.Generator().manual_seed(0)
    latent = args.size // 8
    latents, context, timestep = step_inputs(args.size, generator)  # [negative; conditional] each
    regions = RegionMasks(grid_scene(INSTANCES, args.size), feather=1.0, pose_dilation=0.2)
    loras = [random_lora(unet, args.rank, generator) for _ in range(max(LORA_COUNTS))]
    plain_state = regional_state(regions, latent, torch.Generator().manual_seed(1))

    def flops(call) -> int:
        from torch.utils.flop_counter import FlopCounterMode

        counter = FlopCounterMode(display=False)
        with counter:
            call()
        return counter.get_total_flops()

    def step(state):
        return fused_step(unet, (latents, context, timestep), state)

    def lora_step(count: int):
        instances = list(range(count))
        routing = Routing(lambda h, w: torch.from_numpy(regions.at(h, w).reshape(INSTANCES, -1)[instances].T.copy()),
                          lambda tokens: layer_size(tokens, (latent, latent)), [1.0] * count)
        state = regional_state(regions, latent, torch.Generator().manual_seed(1), routing,
                               {index: index for index in instances})

        def run():
            with applied(unet, loras[:count], routing):
                step(state)()
        return run

    print(f"SD-1.5 UNet, {args.size}x{args.size}, {INSTANCES} instances (regional), CPU float32, "
          f"{torch.get_num_threads()} thread(s), {args.clock} clock, guided batch of 2, LoRA rank {args.rank} on "
          f"{len(loras[0])} layers; {args.pairs} interleaved pairs per line: median ratio ± half the interquartile "
          "range [min-max]", flush=True)
    results = {}
    for count in LORA_COUNTS:
        with_loras = lora_step(count)
        # (the warm-up pair fills the caches of the texts' keys and values, and the masks)
        ratios, plains, others = paired(step(plain_state), with_loras, args.pairs)
        median, half, low, high = spread(ratios)
        results[count] = median
        flop_ratio = flops(with_loras) / flops(step(plain_state))
        print(f"{count} LoRA{'s' if count > 1 else ' '}: step {statistics.median(others):.3f} s vs "
              f"{statistics.median(plains):.3f} s without, ratio {median:.3f} ± {half:.3f} [{low:.3f}-{high:.3f}]; "
              f"operations {flop_ratio:.3f}x", flush=True)
    print(f"{max(LORA_COUNTS)}-LoRA ratio: {results[max(LORA_COUNTS)]:.3f}")


if __name__ == "__main__":
    main()
