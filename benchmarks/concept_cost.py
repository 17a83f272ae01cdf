"""What masked LoRAs cost per denoising step, against the same regional step without LoRAs.

Builds the full-size SD-1.5 UNet (the published config in tests/data) with random weights and a
scene of 4 instances in a grid (default `regional` fusion, random 77-token texts), and times one
classifier-free-guided step at 256x256 (latent 32x32, batch 2) with 1, 2 and 4 of the instances
carrying a LoRA (random, rank 16 by default, on every attention projection to_q/k/v/out and both
feed-forward projections, as renderers/diffusion/lora.py applies them: each inside its region and on
its own caption's K/V), against the same step without LoRAs.

    python benchmarks/concept_cost.py [--size 256] [--pairs 9] [--rank 16] [--threads N]

Timing as in regional_overhead.py: interleaved pairs (the order alternates), the median of the
pairs' ratios with half the interquartile range and the extremes. Wrapping the layers happens once
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from regional_overhead import build_unet, grid_scene, spread  # noqa: E402

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
    parser.add_argument("--size", type=int, default=256, help="canvas side in pixels (default 256)")
    parser.add_argument("--pairs", type=int, default=9, help="interleaved pairs per configuration")
    parser.add_argument("--rank", type=int, default=16, help="LoRA rank (default 16)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    start = time.perf_counter()
    unet = build_unet()
    install(unet)
    print(f"built the SD-1.5 UNet ({sum(p.numel() for p in unet.parameters()) / 1e6:.1f}M parameters, random "
          f"weights) in {time.perf_counter() - start:.1f} s", flush=True)
    generator = torch.Generator().manual_seed(0)
    latent = args.size // 8
    latents = torch.randn(2, 4, latent, latent, generator=generator)  # [negative; conditional]
    context = torch.randn(2, 77, 768, generator=generator)
    timestep = torch.tensor(500)
    regions = RegionMasks(grid_scene(INSTANCES, args.size), feather=1.0, pose_dilation=0.2)
    loras = [random_lora(unet, args.rank, generator) for _ in range(max(LORA_COUNTS))]
    plain_state = regional_state(regions, latent, torch.Generator().manual_seed(1))

    def flops(call) -> int:
        from torch.utils.flop_counter import FlopCounterMode

        counter = FlopCounterMode(display=False)
        with counter:
            call()
        return counter.get_total_flops()

    def step(state) -> float:
        begin = time.perf_counter()
        with torch.no_grad():
            unet(latents, timestep, encoder_hidden_states=context, cross_attention_kwargs={"fusion": state},
                 return_dict=False)
        return time.perf_counter() - begin

    def lora_step(count: int):
        instances = list(range(count))
        routing = Routing(lambda h, w: torch.from_numpy(regions.at(h, w).reshape(INSTANCES, -1)[instances].T.copy()),
                          lambda tokens: layer_size(tokens, (latent, latent)), [1.0] * count)
        state = regional_state(regions, latent, torch.Generator().manual_seed(1), routing,
                               {index: index for index in instances})

        def run() -> float:
            with applied(unet, loras[:count], routing):
                return step(state)
        return run

    print(f"SD-1.5 UNet, {args.size}x{args.size}, {INSTANCES} instances (regional), CPU float32, "
          f"{torch.get_num_threads()} thread(s), guided batch of 2, LoRA rank {args.rank} on "
          f"{len(loras[0])} layers; {args.pairs} interleaved pairs per line: median ratio ± half the interquartile "
          "range [min-max]", flush=True)
    results = {}
    for count in LORA_COUNTS:
        with_loras = lora_step(count)
        with_loras(), step(plain_state)  # warm-up: caches of the texts' keys and values, the masks
        ratios, plains, others = [], [], []
        for index in range(args.pairs):
            if index % 2:
                other, plain = with_loras(), step(plain_state)
            else:
                plain, other = step(plain_state), with_loras()
            ratios.append(other / plain)
            plains.append(plain)
            others.append(other)
        median, half, low, high = spread(ratios)
        results[count] = median
        flop_ratio = flops(with_loras) / flops(lambda: step(plain_state))
        print(f"{count} LoRA{'s' if count > 1 else ' '}: step {statistics.median(others):.3f} s vs "
              f"{statistics.median(plains):.3f} s without, ratio {median:.3f} ± {half:.3f} [{low:.3f}-{high:.3f}]; "
              f"operations {flop_ratio:.3f}x", flush=True)
    print(f"{max(LORA_COUNTS)}-LoRA ratio: {results[max(LORA_COUNTS)]:.3f}")


if __name__ == "__main__":
    main()
