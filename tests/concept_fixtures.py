"""Tiny concept files written in-process: textual-inversion embeddings and LoRAs in the formats of
diffusers (one `{token: vectors}` key, PEFT `lora_A`/`lora_B` names), SDXL (`clip_l`/`clip_g`) and
kohya (`lora_unet_…` with alphas)."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import save_file

TINY_TEXT_WIDTH = 32  # the tiny preset's text encoder (renderers/diffusion/tiny.py)
LORA_TARGETS = ("to_q", "to_k", "to_v", "to_out.0", "ff.net.0.proj", "ff.net.2")


def write_ti(path: Path, seed: int, *, vectors: int = 1, width: int = TINY_TEXT_WIDTH, key: str = "<concept>") -> torch.Tensor:
    embedding = torch.randn(vectors, width, generator=torch.Generator().manual_seed(seed))
    save_file({key: embedding}, str(path))
    return embedding


def write_sdxl_ti(path: Path, seed: int, *, widths=(768, 1280)) -> None:
    generator = torch.Generator().manual_seed(seed)
    save_file({"clip_l": torch.randn(1, widths[0], generator=generator),
               "clip_g": torch.randn(1, widths[1], generator=generator)}, str(path))


def lora_state_dict(unet, seed: int, *, rank: int = 4, std: float = 0.2, targets=LORA_TARGETS,
                    convs: bool = False) -> dict[str, torch.Tensor]:
    """A LoRA on every attention and feed-forward projection of `unet`, in diffusers' PEFT key format;
    with `convs`, also on the 1x1 convolutions proj_in / proj_out (SD-1.5's)."""
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for name, module in unet.named_modules():
        if isinstance(module, torch.nn.Linear) and name.endswith(targets):
            state[f"unet.{name}.lora_A.weight"] = torch.randn(rank, module.in_features, generator=generator) * std
            state[f"unet.{name}.lora_B.weight"] = torch.randn(module.out_features, rank, generator=generator) * std
        elif convs and isinstance(module, torch.nn.Conv2d) and name.endswith(("proj_in", "proj_out")):
            state[f"unet.{name}.lora_A.weight"] = torch.randn(rank, module.in_channels, 1, 1, generator=generator) * std
            state[f"unet.{name}.lora_B.weight"] = torch.randn(module.out_channels, rank, 1, 1, generator=generator) * std
    return state


def tiny_unet(family: str = "sd15"):
    from renderers.diffusion.tiny import build_sd15, build_sdxl

    return (build_sdxl if family == "sdxl" else build_sd15)()[0]


def write_lora(path: Path, seed: int, *, family: str = "sd15", **kwargs) -> dict[str, torch.Tensor]:
    state = lora_state_dict(tiny_unet(family), seed, **kwargs)
    save_file(state, str(path))
    return state
