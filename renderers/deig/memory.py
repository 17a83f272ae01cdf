"""How much memory a DEIG render needs, checked before any weight is loaded.

needed = weights in the run dtype + working memory. Weights: the element counts of every
component (read from the converted safetensors headers, or the architecture) times the dtype's
size: all of them without offload; with model offload the largest group that is on the device at
once (T5, or UNet + IDE, or the VAE); with sequential offload only a layer at a time, counted as
nothing. Working memory:
the largest transient of a denoising step, the fused attention at the finest UNet level for the
[uncond, cond] batch when a kernel materialises its scores (heads x queries x keys elements), its
boolean box mask, plus a fixed allowance for the UNet's other activations, the VAE decode and the
allocator.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from scenes.errors import RendererUnavailable

from .config import TOKENS_PER_INSTANCE, DeigConfig

GIB = 1024**3
BYTES_PER_ELEMENT = {torch.float32: 4, torch.float16: 2, torch.bfloat16: 2}
ACTIVATION_ALLOWANCE = 1 * GIB
CFG_BATCH = 2


@dataclass(frozen=True)
class MemoryEstimate:
    weights: int
    working: int
    device: str
    dtype: torch.dtype

    @property
    def total(self) -> int:
        return self.weights + self.working

    def describe(self) -> str:
        dtype = str(self.dtype).removeprefix("torch.")
        return (f"{self.total / GIB:.1f} GiB ({self.weights / GIB:.1f} GiB of weights in {dtype} + "
                f"{self.working / GIB:.1f} GiB working memory)")


def estimate(counts: dict[str, int], config: DeigConfig, *, height: int, width: int, dtype: torch.dtype,
             slots: int, offload: str = "none", device: str = "cuda",
             text_dtype: torch.dtype | None = None) -> MemoryEstimate:
    """counts: elements per component ('unet', 'extractor', 'vae', 'text_encoder').

    text_dtype: the T5 encoder's (never fp16, see text.encoder_dtype); by default fp32 for an fp16
    run, which never underestimates."""
    size = BYTES_PER_ELEMENT[dtype]
    if text_dtype is None:
        text_dtype = torch.float32 if dtype == torch.float16 else dtype
    groups = [counts["text_encoder"] * BYTES_PER_ELEMENT[text_dtype],
              (counts["unet"] + counts["extractor"]) * size, counts["vae"] * size]
    if offload == "none":
        weights = sum(groups)
    elif offload == "model":
        weights = max(groups)
    else:
        weights = 0
    queries = (height // config.vae_scale_factor) * (width // config.vae_scale_factor)
    keys = queries + slots * TOKENS_PER_INSTANCE
    heads = config.unet.attention_head_dim
    scores = CFG_BATCH * heads * queries * keys * size
    mask = CFG_BATCH * queries * keys  # one byte per boolean
    return MemoryEstimate(weights=weights, working=scores + mask + ACTIVATION_ALLOWANCE, device=device, dtype=dtype)


def free_memory(device: torch.device) -> int | None:
    """Bytes free on the device now; None when unknown."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    if device.type == "cpu":
        try:
            with open("/proc/meminfo") as handle:
                for line in handle:
                    if line.startswith("MemAvailable:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
    return None


def require(estimate: MemoryEstimate, free: int | None) -> None:
    """Raise RendererUnavailable, naming what is needed, when the device has too little free."""
    if free is None or estimate.total <= free:
        return
    hints = []
    if estimate.dtype == torch.float32 and estimate.device != "cpu":
        hints.append("--dtype float16 halves the weights")
    hints.append("--offload model keeps each model in CPU memory until it runs")
    hints.append("or choose a device with more free memory (--device)")
    raise RendererUnavailable(
        f"DEIG needs about {estimate.describe()} on {estimate.device}; only {free / GIB:.1f} GiB is free",
        hint="; ".join(hints).capitalize() + ".",
    )
