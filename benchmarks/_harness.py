"""What the step benchmarks share: their common arguments, the full-size SD-1.5 UNet, and paired timing.

regional_overhead.py, concept_cost.py and identity_routing.py each time one classifier-free-guided
denoising step of the full-size SD-1.5 UNet (the published config in tests/data, random weights)
against a reference step. They take the same `--size`, `--pairs`, `--threads` and `--clock`
(`add_arguments`, then `configure`), with the same defaults: one torch thread and the process's CPU
time, which other processes on the machine do not add to (wall-clock time does: a step waiting for a
core counts as a slow step).

Timing (`paired`): one warm-up pair, then interleaved pairs whose order alternates; `spread` gives
the median of the pairs' ratios with half the interquartile range and the extremes. A busy machine
slows both steps of a pair alike, so the ratio of a pair is steadier than either time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scenes.model import Scene  # noqa: E402

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock: Callable[[], float] = CLOCKS["cpu"]


def add_arguments(parser: argparse.ArgumentParser, *, pairs: int, size: int = 256) -> None:
    """--size, --pairs, --threads (default 1) and --clock (default cpu)."""
    parser.add_argument("--size", type=int, default=size, help=f"canvas side in pixels (default {size})")
    parser.add_argument("--pairs", type=int, default=pairs, help=f"interleaved pairs per configuration (default {pairs})")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1; 0: torch's choice)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: the process's CPU time (default; steady on a busy machine); wall: elapsed time")


def configure(args: argparse.Namespace) -> None:
    """Apply --threads and --clock."""
    global clock
    if args.threads:
        torch.set_num_threads(args.threads)
    clock = CLOCKS[args.clock]


def build_unet():
    """The full-size SD-1.5 UNet with random weights (seed 0), in eval mode without gradients."""
    from diffusers import UNet2DConditionModel

    config = json.loads((ROOT / "tests" / "data" / "sd15_unet_config.json").read_text())
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        unet = UNet2DConditionModel.from_config(config)
    return unet.eval().requires_grad_(False)


def step_inputs(size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(latents, context, timestep) of a guided step: batch 2 [negative; conditional], 77 tokens, t=500."""
    latent = size // 8
    latents = torch.randn(2, 4, latent, latent, generator=generator)
    context = torch.randn(2, 77, 768, generator=generator)
    return latents, context, torch.tensor(500)


def fused_step(unet, inputs: tuple[torch.Tensor, torch.Tensor, torch.Tensor], state):
    """One guided UNet step with regional fusion `state`, as a call to time."""
    latents, context, timestep = inputs

    def run():
        with torch.no_grad():
            unet(latents, timestep, encoder_hidden_states=context, cross_attention_kwargs={"fusion": state},
                 return_dict=False)
    return run


def grid_scene(count: int, size: int) -> Scene:
    columns = max(1, int(count**0.5 + 0.999))
    rows = max(1, -(-count // columns))
    instances = [{"name": "person", "caption": f"a person number {i}",
                  "box": [(i % columns) / columns, (i // columns) / rows,
                          (i % columns + 1) / columns, (i // columns + 1) / rows]} for i in range(count)]
    return Scene(caption="a busy park on a rainy autumn afternoon", background="a park", width=size, height=size,
                 instances=instances)


def spread(values: list[float]) -> tuple[float, float, float, float]:
    """(median, half the interquartile range, min, max)."""
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return statistics.median(values), (quartiles[2] - quartiles[0]) / 2, min(values), max(values)


def timed(call) -> float:
    begin = clock()
    call()
    return clock() - begin


def paired(plain_call, other_call, pairs: int) -> tuple[list[float], list[float], list[float]]:
    """(ratios, plain times, other times) of `pairs` interleaved pairs, after one warm-up pair."""
    plain_call(), other_call()
    ratios, plains, others = [], [], []
    for index in range(pairs):
        if index % 2:
            other, plain = timed(other_call), timed(plain_call)
        else:
            plain, other = timed(plain_call), timed(other_call)
        ratios.append(other / plain)
        plains.append(plain)
        others.append(other)
    return ratios, plains, others
