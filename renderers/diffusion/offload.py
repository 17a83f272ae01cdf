"""Placing the models on the device, or keeping them in CPU memory and moving them in when used.

model: each whole model moves to the GPU when it runs and the previous one moves out (text
encoders -> UNet -> VAE; a ControlNet runs every step next to the UNet, so it has its own hook and
leaves when decoding starts). sequential: every layer moves in and out as it runs (slowest, least
memory). Both use accelerate's hooks, as diffusers' pipelines do; CUDA only (checked earlier).
"""

from __future__ import annotations

from typing import Any


class Placement:
    """Where the models live; `before_decode` frees the denoising models under model offload."""

    def __init__(self, mode: str, device, text_encoders: list[Any], unet: Any, vae: Any):
        self.mode, self.device = mode, device
        self._controlnet_hooks: list[Any] = []
        if mode == "none":
            for module in [*text_encoders, unet, vae]:
                module.to(device)
        elif mode == "model":
            from accelerate import cpu_offload_with_hook

            hook = None
            for module in [*text_encoders, unet, vae]:
                _, hook = cpu_offload_with_hook(module, device, prev_module_hook=hook)
        elif mode == "sequential":
            from accelerate import cpu_offload

            for module in [*text_encoders, unet, vae]:
                cpu_offload(module, execution_device=device)
        else:
            raise ValueError(f"unknown offload mode {mode!r}")

    def add_controlnet(self, controlnet: Any) -> None:
        if self.mode == "none":
            controlnet.to(self.device)
        elif self.mode == "model":
            from accelerate import cpu_offload_with_hook

            _, hook = cpu_offload_with_hook(controlnet, self.device)
            self._controlnet_hooks.append(hook)
        else:
            from accelerate import cpu_offload

            cpu_offload(controlnet, execution_device=self.device)

    def before_decode(self) -> None:
        for hook in self._controlnet_hooks:
            hook.offload()
