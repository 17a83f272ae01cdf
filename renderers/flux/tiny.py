"""The `tiny-flux` presets: a FLUX.1 with random weights, every part built in-process.

Same structure as FLUX.1 (double-stream and single-stream blocks, CLIP pooled text, T5 sequence text,
a 16x-packed latent grid, a flow-matching scheduler), widths small enough for a CPU test. `tiny-flux`
is schnell-like (no guidance embedding); `tiny-flux-dev` embeds the guidance like FLUX.1-dev.
Deterministic: the same call gives the same weights without touching the global random state.
"""

from __future__ import annotations

TINY_FLUX_PRESETS = {"tiny-flux": False, "tiny-flux-dev": True}  # preset -> guidance embedding
TINY_SEED = 0
T5_WIDTH = 32
CLIP_WIDTH = 32
LATENT_CHANNELS = 4

# FLUX.1's published scheduler settings (black-forest-labs/FLUX.1-dev scheduler_config.json).
SCHEDULER_CONFIG = {
    "_class_name": "FlowMatchEulerDiscreteScheduler", "base_image_seq_len": 256, "base_shift": 0.5,
    "max_image_seq_len": 4096, "max_shift": 1.15, "num_train_timesteps": 1000, "shift": 3.0,
    "use_dynamic_shifting": True,
}


def build_tiny_flux(preset: str = "tiny-flux", *, num_layers: int = 2, num_single_layers: int = 4):
    """A dict of FluxPipeline components (transformer, vae, both text encoders and tokenizers, scheduler)."""
    import torch
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxTransformer2DModel
    from transformers import CLIPTextModel

    from renderers.deig.tiny import tiny_t5_encoder, tiny_t5_tokenizer
    from renderers.diffusion.tiny import _text_config, tiny_tokenizer

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(TINY_SEED)
        transformer = FluxTransformer2DModel(
            patch_size=1, in_channels=4 * LATENT_CHANNELS, num_layers=num_layers, num_single_layers=num_single_layers,
            attention_head_dim=16, num_attention_heads=2, joint_attention_dim=T5_WIDTH,
            pooled_projection_dim=CLIP_WIDTH, guidance_embeds=TINY_FLUX_PRESETS[preset], axes_dims_rope=[4, 6, 6],
        )
        vae = AutoencoderKL(
            block_out_channels=[8, 8, 8, 8], in_channels=3, out_channels=3, latent_channels=LATENT_CHANNELS,
            norm_num_groups=2, down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
            sample_size=64, layers_per_block=1, scaling_factor=0.3611, shift_factor=0.1159,
            use_quant_conv=False, use_post_quant_conv=False,
        )
        text_encoder = CLIPTextModel(_text_config(CLIP_WIDTH, hidden_act="gelu"))
        tokenizer_2 = tiny_t5_tokenizer(512)
        text_encoder_2 = tiny_t5_encoder(len(tokenizer_2), T5_WIDTH)
    for module in (transformer, vae, text_encoder, text_encoder_2):
        module.eval().requires_grad_(False)
    return {
        "transformer": transformer, "vae": vae, "text_encoder": text_encoder, "tokenizer": tiny_tokenizer(),
        "text_encoder_2": text_encoder_2, "tokenizer_2": tokenizer_2,
        "scheduler": FlowMatchEulerDiscreteScheduler.from_config(SCHEDULER_CONFIG),
    }


def build_tiny_flux_controlnet(preset: str = "tiny-flux"):
    """A tiny FLUX ControlNet (Union-style, with a mode embedding) matching `build_tiny_flux`."""
    import torch
    from diffusers import FluxControlNetModel

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(TINY_SEED + 1)
        controlnet = FluxControlNetModel(
            patch_size=1, in_channels=4 * LATENT_CHANNELS, num_layers=1, num_single_layers=1,
            attention_head_dim=16, num_attention_heads=2, joint_attention_dim=T5_WIDTH,
            pooled_projection_dim=CLIP_WIDTH, guidance_embeds=TINY_FLUX_PRESETS[preset], axes_dims_rope=[4, 6, 6],
            num_mode=10,
        )
        # Zero-initialised output projections would make the control image invisible to any test.
        for module in [*controlnet.controlnet_blocks, *controlnet.controlnet_single_blocks,
                       controlnet.controlnet_x_embedder]:
            torch.nn.init.normal_(module.weight, std=0.05)
    return controlnet.eval().requires_grad_(False)
