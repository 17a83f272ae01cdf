"""What detail fusion costs per denoising step, against a plain Stable Diffusion step.

Builds the full-size SD-1.5 UNet (the published config in tests/data) with random weights and
times one classifier-free-guided denoising step at 256x256 (latent 32x32, batch 2) with 2, 4, 8
and 16 instances in the default `regional` mode (every instance caption, the base and the
background as 77-token prompts), and with 8 instances in the `concat` and `dense` modes, against a
plain SD step with one 77-token prompt and diffusers' stock attention processor. Text encoding is
not timed (it happens once per image, not per step); the embeddings are random.

    python benchmarks/regional_overhead.py [--size 256] [--pairs 9] [--threads 1] [--clock cpu]

Each configuration is timed in pairs with a plain step right before or after it (the order
alternates), and reported as the median of the pairs' ratios with their spread (half the
interquartile range, and the extremes): a busy machine slows both steps of a pair alike, so the
ratio of a pair is steadier than either time. By default torch runs on one thread and the clock is
the process's CPU time, which other processes on the machine do not add to (wall-clock time does:
a step waiting for a core counts as a slow step); `--clock wall` times elapsed seconds instead. The cross-attention layers alone (the only part of a
step that fusion changes) are timed the same way. The last line is the ratio at 8 instances
(target: at most 1.10; at 16: 1.15).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from diffusers.models.attention_processor import AttnProcessor2_0

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import add_arguments, build_unet, configure, grid_scene, paired, spread, step_inputs  # noqa: E402

from renderers.regional.processors import FusionState, RegionalCrossAttnProcessor, install  # noqa: E402
from renderers.regional.regions import RegionMasks  # noqa: E402

INSTANCE_COUNTS = (2, 4, 8, 16)
CONCAT_TOKENS = 18  # real tokens of a ~15-word caption (words + end token), for concat and dense


def fusion_state(mode: str, count: int, size: int, generator: torch.Generator) -> FusionState:
    scene = grid_scene(count, size)
    regions = RegionMasks(scene, feather=1.0, pose_dilation=0.2)
    latent = size // 8
    if mode == "regional":
        sets = [torch.randn(1, 77, 768, generator=generator) for _ in range(count + 2)]  # base, instances, background
        state = FusionState(regions, latent_hw=(latent, latent), negative_rows=1, mode="regional", sets=sets,
                            has_background=True, base_ratio=0.25)
    else:
        groups = [(-1, 77)] + [(i, CONCAT_TOKENS) for i in range(count + 1)]
        keys = torch.randn(1, 77 + CONCAT_TOKENS * (count + 1), 768, generator=generator)
        state = FusionState(regions, groups, latent_hw=(latent, latent), negative_rows=1, mode=mode, keys=keys)
    state.cross_active = True
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, pairs=9)
    parser.add_argument("--counts", default=",".join(map(str, INSTANCE_COUNTS)),
                        help="instance counts of the regional mode (default 2,4,8,16)")
    parser.add_argument("--no-other-modes", action="store_true", help="skip the concat and dense lines")
    args = parser.parse_args()
    configure(args)
    counts = [int(count) for count in args.counts.split(",")]

    start = time.perf_counter()
    unet = build_unet()
    print(f"built the SD-1.5 UNet ({sum(p.numel() for p in unet.parameters()) / 1e6:.1f}M parameters, random "
          f"weights) in {time.perf_counter() - start:.1f} s", flush=True)
    generator = torch.Generator().manual_seed(0)
    latents, context, timestep = step_inputs(args.size, generator)  # [negative; conditional] each
    configs = {f"regional {count}": fusion_state("regional", count, args.size, generator) for count in counts}
    if not args.no_other_modes:
        configs["concat 8"] = fusion_state("concat", 8, args.size, generator)
        configs["dense 8"] = fusion_state("dense", 8, args.size, generator)
    stock = AttnProcessor2_0()

    def plain_step():
        unet.set_attn_processor(stock)
        with torch.no_grad():
            unet(latents, timestep, encoder_hidden_states=context, return_dict=False)

    def fused_step(state):
        def run():
            install(unet)
            with torch.no_grad():
                unet(latents, timestep, encoder_hidden_states=context, cross_attention_kwargs={"fusion": state},
                     return_dict=False)
        return run

    # The cross-attention layers' inputs, for timing the layers alone.
    unet.set_attn_processor(stock)
    layer_inputs: list[tuple[object, torch.Tensor]] = []
    hooks = [module.register_forward_pre_hook(lambda m, a, kw: layer_inputs.append((m, a[0])), with_kwargs=True)
             for module in unet.modules() if getattr(module, "is_cross_attention", False)]
    plain_step()
    for hook in hooks:
        hook.remove()
    regional_processor = RegionalCrossAttnProcessor("all")

    def plain_layers():
        with torch.no_grad():
            for module, hidden in layer_inputs:
                stock(module, hidden, context)

    def fused_layers(state):
        def run():
            with torch.no_grad():
                for module, hidden in layer_inputs:
                    regional_processor(module, hidden, context, fusion=state)
        return run

    print(f"SD-1.5 UNet, {args.size}x{args.size}, CPU float32, {torch.get_num_threads()} thread(s), {args.clock} "
          f"clock, guided batch of 2; "
          f"{args.pairs} interleaved pairs per line: median ratio ± half the interquartile range [min-max]", flush=True)
    results = {}
    for name, state in configs.items():
        ratios, plains, others = paired(plain_step, fused_step(state), args.pairs)
        layer_ratios, layer_plain, layer_fused = paired(plain_layers, fused_layers(state), 2 * args.pairs)
        median, half, low, high = spread(ratios)
        layer_median, layer_half, _, _ = spread(layer_ratios)
        results[name] = median
        # A cross-check that whole steps on a busy machine cannot blur: fusion changes only these
        # layers, so a step costs the plain step plus what the fused layers add.
        from_layers = 1 + (statistics.median(layer_fused) - statistics.median(layer_plain)) / statistics.median(plains)
        print(f"{name:>12}: step {statistics.median(others):.3f} s vs plain {statistics.median(plains):.3f} s, "
              f"ratio {median:.3f} ± {half:.3f} [{low:.3f}-{high:.3f}]; the {len(layer_inputs)} cross-attention "
              f"layers: {statistics.median(layer_fused) * 1000:.1f} ms vs {statistics.median(layer_plain) * 1000:.1f} ms "
              f"(ratio {layer_median:.2f} ± {layer_half:.2f}; step ratio from the layers {from_layers:.3f})", flush=True)
    for count in sorted(counts, reverse=True):
        print(f"{count}-instance ratio: {results[f'regional {count}']:.3f}")


if __name__ == "__main__":
    main()
