"""The DEIG denoiser as modules: a gated diffusers UNet (with DEIG's fusion installed) and the IDE.

`build_modules` builds them from a DeigConfig on any device; on the meta device this costs no
memory, which is how weights are loaded (`load_state_dict(assign=True)`) and how the full-size
architecture is checked against the checkpoint's key list.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel

from .config import DeigConfig
from .extractor import InstanceDetailExtractor
from .fusion import AttentionKernel, install_detail_fusion

# The components of the checkpoint's 'model' entry, as our state dicts are split.
UNET, EXTRACTOR = "unet", "extractor"


@dataclass
class DenoiserModules:
    unet: UNet2DConditionModel
    extractor: InstanceDetailExtractor

    def components(self) -> dict[str, torch.nn.Module]:
        return {UNET: self.unet, EXTRACTOR: self.extractor}

    def parameter_shapes(self) -> dict[tuple[str, str], tuple[int, ...]]:
        """(component, name) -> shape of every tensor of the state dicts."""
        return {(component, name): tuple(tensor.shape)
                for component, module in self.components().items()
                for name, tensor in module.state_dict().items()}


def build_unet(config: DeigConfig, kernel: AttentionKernel = "sdpa") -> UNet2DConditionModel:
    unet = UNet2DConditionModel(**config.unet.diffusers_kwargs())
    return install_detail_fusion(unet, config.position_net, kernel)


def build_modules(config: DeigConfig, device: torch.device | str = "cpu",
                  kernel: AttentionKernel = "sdpa") -> DenoiserModules:
    with torch.device(device):
        return DenoiserModules(unet=build_unet(config, kernel), extractor=InstanceDetailExtractor(config.extractor))


def build_vae(config: DeigConfig, device: torch.device | str = "cpu") -> AutoencoderKL:
    with torch.device(device):
        return AutoencoderKL(**config.vae.diffusers_kwargs())
