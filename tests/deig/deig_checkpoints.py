"""Synthetic DEIG checkpoints in the published layout (LDM key names, a pickled dict), for tests.

Random weights of the tiny architecture, renamed back to the names the published model.pth uses,
saved as {'model', 'autoencoder', 'diffusion'} next to a T5 folder, as in dushy5/DEIG.
"""

from __future__ import annotations

from pathlib import Path

import torch

from renderers.deig.config import TINY, DeigConfig
from renderers.deig.keys import KeyMap, to_ldm_state, unet_rules, vae_rules
from renderers.deig.sampler import alphas_cumprod
from renderers.deig.tiny import build_tiny


def ldm_diffusion_buffers(config: DeigConfig) -> dict[str, torch.Tensor]:
    """The 12 schedule buffers an LDM DDPM stores (spec §1.1)."""
    s = config.schedule
    betas = torch.linspace(s.beta_start**0.5, s.beta_end**0.5, s.num_train_timesteps, dtype=torch.float64) ** 2
    acp = alphas_cumprod(s)
    prev = torch.cat([torch.ones(1, dtype=torch.float64), acp[:-1]])
    posterior_variance = betas * (1 - prev) / (1 - acp)
    buffers = {
        "betas": betas, "alphas_cumprod": acp, "alphas_cumprod_prev": prev,
        "sqrt_alphas_cumprod": acp.sqrt(), "sqrt_one_minus_alphas_cumprod": (1 - acp).sqrt(),
        "log_one_minus_alphas_cumprod": (1 - acp).log(), "sqrt_recip_alphas_cumprod": (1 / acp).sqrt(),
        "sqrt_recipm1_alphas_cumprod": (1 / acp - 1).sqrt(), "posterior_variance": posterior_variance,
        "posterior_log_variance_clipped": posterior_variance.clamp(min=1e-20).log(),
        "posterior_mean_coef1": betas * prev.sqrt() / (1 - acp),
        "posterior_mean_coef2": (1 - prev) * (1 - betas).sqrt() / (1 - acp),
    }
    return {name: value.float() for name, value in buffers.items()}


def tiny_ldm_states(seed: int = 123) -> tuple[dict, dict, object, object]:
    modules, vae, tokenizer, encoder = build_tiny(TINY, seed=seed)
    ours = {(component, name): tensor for component, module in modules.components().items()
            for name, tensor in module.state_dict().items()}
    model = to_ldm_state(ours, KeyMap(unet_rules(TINY)))
    autoencoder = to_ldm_state({("vae", n): t for n, t in vae.state_dict().items()}, KeyMap(vae_rules(TINY)))
    return model, autoencoder, tokenizer, encoder


def write_tiny_checkpoint(folder: Path, seed: int = 123) -> Path:
    """folder/model.pth + folder/T5-XL/, like a download of dushy5/DEIG, with tiny random weights."""
    folder.mkdir(parents=True, exist_ok=True)
    model, autoencoder, tokenizer, encoder = tiny_ldm_states(seed)
    torch.save({"model": model, "autoencoder": autoencoder, "diffusion": ldm_diffusion_buffers(TINY)},
               folder / "model.pth")
    encoder.save_pretrained(folder / "T5-XL")
    tokenizer.save_pretrained(folder / "T5-XL")
    return folder
