"""The `tiny` preset: randomly initialised SD-1.5 / SDXL / OpenPose-ControlNet components, built here.

No download, no files: the tokenizer is an in-memory byte-level CLIP tokenizer (every UTF-8 text
tokenises, one symbol per character), and the weights come from a fixed torch seed, so two builds
are bit-identical and renders replay exactly. The VAE has four blocks, so latents are 1/8 of the
canvas as with real checkpoints; a 64x64 render with two steps takes a fraction of a second on a
CPU. The pictures are noise: this is for tests, CI and checking an installation.

The ControlNet's zero-initialised output convolutions are re-initialised with small random values;
with the published zero init the control image would have no effect at all, and nothing about it
could be tested.
"""

from __future__ import annotations

import functools

TINY_PRESETS = {"tiny": "sd15", "tiny-sdxl": "sdxl"}
TINY_SEED = 0
MAX_LENGTH = 77
BOS, EOS = "<|startoftext|>", "<|endoftext|>"


def byte_symbols() -> list[str]:
    """The GPT-2/CLIP table that maps each of the 256 bytes to a printable character."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    codes, extra = printable[:], 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return [chr(code) for _, code in sorted(zip(printable, codes, strict=True))]


@functools.cache
def _vocab() -> dict[str, int]:
    symbols = byte_symbols()
    vocab = {symbol: index for index, symbol in enumerate(symbols)}
    vocab.update({symbol + "</w>": 256 + index for index, symbol in enumerate(symbols)})
    vocab[BOS], vocab[EOS] = 512, 513
    return vocab


def tiny_tokenizer():
    from transformers import CLIPTokenizer

    # merges=[] keeps it character-level; model_max_length must be given or padding breaks.
    return CLIPTokenizer(vocab=dict(_vocab()), merges=[], model_max_length=MAX_LENGTH)


def _text_config(hidden_size: int, **extra):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        bos_token_id=512, eos_token_id=513, pad_token_id=513, vocab_size=1000, max_position_embeddings=MAX_LENGTH,
        hidden_size=hidden_size, intermediate_size=2 * hidden_size, num_attention_heads=2, num_hidden_layers=2,
        layer_norm_eps=1e-5, **extra,
    )


def _seeded(build):
    """Build under a fixed seed without disturbing the caller's random state."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        import torch

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(TINY_SEED)
            return build(*args, **kwargs)

    return wrapper


def _tiny_vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        block_out_channels=[8, 8, 8, 8], in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=2,
        down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4, sample_size=64,
        layers_per_block=1,
    )


def _unet_blocks() -> dict:
    # Three levels like SD's four: cross-attention at the two finest levels and in the middle.
    return dict(
        block_out_channels=(16, 32, 32), layers_per_block=1, sample_size=8, in_channels=4, out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        norm_num_groups=4, attention_head_dim=4,
    )


def _scheduler_config() -> dict:
    # SD-1.5's published scheduler settings.
    return {"_class_name": "PNDMScheduler", "beta_start": 0.00085, "beta_end": 0.012,
            "beta_schedule": "scaled_linear", "num_train_timesteps": 1000, "set_alpha_to_one": False,
            "skip_prk_steps": True, "steps_offset": 1, "clip_sample": False, "prediction_type": "epsilon"}


@_seeded
def build_sd15():
    """(unet, vae, [text_encoder], [tokenizer], scheduler_config) of a tiny SD-1.5."""
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextModel

    unet = UNet2DConditionModel(cross_attention_dim=32, **_unet_blocks())
    vae = _tiny_vae()
    text_encoder = CLIPTextModel(_text_config(32))
    return unet, vae, [text_encoder], [tiny_tokenizer()], _scheduler_config()


@_seeded
def build_sdxl():
    """Tiny SDXL: two text encoders (32 + 32 = 64 wide context), pooled text and size conditioning."""
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    unet = UNet2DConditionModel(
        cross_attention_dim=64, use_linear_projection=True, addition_embed_type="text_time",
        addition_time_embed_dim=8, projection_class_embeddings_input_dim=6 * 8 + 32, transformer_layers_per_block=(1, 2, 1),
        **_unet_blocks(),
    )
    vae = _tiny_vae()
    encoder_1 = CLIPTextModel(_text_config(32, hidden_act="gelu"))
    encoder_2 = CLIPTextModelWithProjection(_text_config(32, hidden_act="gelu", projection_dim=32))
    config = {**_scheduler_config(), "_class_name": "EulerDiscreteScheduler", "timestep_spacing": "leading"}
    return unet, vae, [encoder_1, encoder_2], [tiny_tokenizer(), tiny_tokenizer()], config


@_seeded
def build_controlnet(family: str):
    """A tiny OpenPose-style ControlNet matching the tiny UNet of `family`, with live output convs."""
    import torch
    from diffusers import ControlNetModel

    blocks = _unet_blocks()
    blocks.pop("up_block_types"), blocks.pop("out_channels"), blocks.pop("sample_size")
    extra = {}
    if family == "sdxl":
        extra = dict(cross_attention_dim=64, use_linear_projection=True, addition_embed_type="text_time",
                     addition_time_embed_dim=8, projection_class_embeddings_input_dim=6 * 8 + 32,
                     transformer_layers_per_block=(1, 2, 1))
    else:
        extra = dict(cross_attention_dim=32)
    controlnet = ControlNetModel(conditioning_embedding_out_channels=(8, 8, 16, 16), **blocks, **extra)
    for module in [*controlnet.controlnet_down_blocks, controlnet.controlnet_mid_block]:
        torch.nn.init.normal_(module.weight, std=0.05)
        torch.nn.init.normal_(module.bias, std=0.05)
    return controlnet
