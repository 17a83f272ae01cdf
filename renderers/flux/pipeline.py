"""The grounded FLUX.1 denoising loop: `FluxPipeline`'s steps, with instance captions and masks added.

Read it next to diffusers' `FluxPipeline.__call__`: the same latents, sigmas, shift, guidance
embedding, scheduler and decoding (taken from a `FluxPipeline` built on the same components), so a
scene without instances gives the stock pipeline's pixels bit for bit. What is added:

- every instance caption (and the background) is encoded by T5 on its own, real tokens only, and
  appended after the global caption's tokens, so grounding costs the words given, not 512 per instance;
- in the first `grounding_steps` of the steps the transformer (and the ControlNet) sees that long
  text stream under the joint-attention mask of `masks.py`; later steps see the global caption alone,
  exactly as the stock pipeline does;
- posed instances are drawn into one OpenPose image for a FLUX ControlNet (Union models: pose mode).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from renderers.diffusion.quiet import quiet_transformers
from scenes.model import Scene

from .attention import Grounding, binding_layers, install
from .masks import TextSegments, scene_masks

# FluxPipeline's module imports transformers' image processors for IP-Adapters, which warn about a missing
# torchvision that a text-to-image render never needs.
with quiet_transformers():
    from diffusers import FluxPipeline
    from diffusers.pipelines.flux.pipeline_flux import calculate_shift, retrieve_timesteps
    from diffusers.pipelines.flux.pipeline_flux_controlnet import retrieve_latents

UNION_POSE_MODE = 4  # the pose mode of the FLUX.1 Union ControlNets (InstantX, Shakker-Labs Union-Pro)


@dataclass(frozen=True)
class FluxSettings:
    steps: int
    guidance: float
    grounding_steps: float = 0.3
    image_binding: str = "off"
    max_sequence_length: int = 512
    true_cfg: float = 1.0
    control_scale: float = 1.0


@dataclass
class EncodedScene:
    """Text of one scene: the global caption as the stock pipeline encodes it, plus the grounded stream."""

    pooled: torch.Tensor  # (1, D_clip)
    global_embeds: torch.Tensor  # (1, L, D_t5)
    grounded_embeds: torch.Tensor | None  # (1, L + Σ L_i (+ L_bg), D_t5), None without instances
    segments: TextSegments | None
    negative: tuple[torch.Tensor, torch.Tensor] | None  # (pooled, embeds) for true CFG


class FluxRegionalPipeline:
    """Components in, one image per seed out. Holds its processors' shared grounding state."""

    def __init__(self, components: dict, *, controlnet=None):
        self.pipe = FluxPipeline(**components)
        self.transformer = components["transformer"]
        self.grounding = Grounding()
        self.layers = install(self.transformer, self.grounding)
        self.controlnet = controlnet
        self.control_grounding = Grounding()
        self.control_layers = install(controlnet, self.control_grounding) if controlnet is not None else 0

    # -- text -------------------------------------------------------------------------------

    def encode(self, scene: Scene, settings: FluxSettings, device) -> EncodedScene:
        pipe = self.pipe
        pooled = pipe._get_clip_prompt_embeds(scene.caption, device=device)
        global_embeds = pipe._get_t5_prompt_embeds(scene.caption, max_sequence_length=settings.max_sequence_length,
                                                   device=device)
        negative = None
        if settings.true_cfg > 1.0 and scene.negative:
            negative = (pipe._get_clip_prompt_embeds(scene.negative, device=device),
                        pipe._get_t5_prompt_embeds(scene.negative, max_sequence_length=settings.max_sequence_length,
                                                   device=device))
        if not scene.instances:
            return EncodedScene(pooled, global_embeds, None, None, negative)
        pieces = [self._real_tokens(instance.caption, settings, device) for instance in scene.instances]
        background = [self._real_tokens(scene.background, settings, device)] if scene.background else []
        segments = TextSegments(global_embeds.shape[1], tuple(piece.shape[1] for piece in pieces),
                                background[0].shape[1] if background else 0)
        grounded = torch.cat([global_embeds, *pieces, *background], dim=1)
        return EncodedScene(pooled, global_embeds, grounded, segments, negative)

    def _real_tokens(self, text: str, settings: FluxSettings, device) -> torch.Tensor:
        """T5 states of `text` alone: its tokens and the end token, no padding."""
        pipe = self.pipe
        ids = pipe.tokenizer_2(text, truncation=True, max_length=settings.max_sequence_length,
                               return_tensors="pt").input_ids
        encoder = pipe.text_encoder_2
        states = encoder(ids.to(encoder.device), output_hidden_states=False)[0]
        return states.to(device=device, dtype=encoder.dtype)

    # -- the loop ---------------------------------------------------------------------------

    @torch.no_grad()
    def __call__(self, scene: Scene, generators: list[torch.Generator], settings: FluxSettings, *, device,
                 control_image: Image.Image | None = None,
                 step_done: Callable[[], None] | None = None) -> list[Image.Image]:
        pipe, transformer = self.pipe, self.transformer
        batch = len(generators)
        generator = generators if batch > 1 else generators[0]

        # 1. Encode prompts: the global caption as the stock pipeline does, instance captions on their own.
        text = self.encode(scene, settings, device)
        dtype = text.global_embeds.dtype

        # 2. Prepare the control image (VAE latents, drawn with the images' generators as diffusers does).
        control = None
        if control_image is not None and self.controlnet is not None:
            control = self._control_latents(control_image, scene, batch, generator, device)

        # 3. Prepare latents and the token grid.
        channels = transformer.config.in_channels // 4
        latents, image_ids = pipe.prepare_latents(batch, channels, scene.height, scene.width, dtype, device, generator)
        grid_h, grid_w = _token_grid(scene, pipe.vae_scale_factor)

        # 4. Build the grounding masks for the long text stream. A Union ControlNet puts its mode token
        #    in front of the text; it is global text to the mask.
        grounded_steps = 0
        if text.segments is not None:
            self._ground(self.grounding, self.layers, scene, text.segments, grid_h, grid_w, settings, device)
            if control is not None:
                extra = 1 if self.controlnet.config.num_mode is not None else 0
                segments = dataclasses.replace(text.segments, global_tokens=text.segments.global_tokens + extra)
                self._ground(self.control_grounding, self.control_layers, scene, segments, grid_h, grid_w, settings,
                             device)
            grounded_steps = round(settings.grounding_steps * settings.steps)

        # 5. Prepare timesteps exactly as FluxPipeline does.
        scheduler = pipe.scheduler
        sigmas = np.linspace(1.0, 1 / settings.steps, settings.steps)
        if getattr(scheduler.config, "use_flow_sigmas", False):
            sigmas = None
        mu = calculate_shift(latents.shape[1], scheduler.config.get("base_image_seq_len", 256),
                             scheduler.config.get("max_image_seq_len", 4096), scheduler.config.get("base_shift", 0.5),
                             scheduler.config.get("max_shift", 1.15))
        timesteps, _ = retrieve_timesteps(scheduler, settings.steps, device, sigmas=sigmas, mu=mu)
        guidance = None
        if transformer.config.guidance_embeds:
            guidance = torch.full([1], settings.guidance, device=device, dtype=torch.float32).expand(batch)
        pooled = text.pooled.repeat(batch, 1)

        # 6. Denoise: grounded text and masks in the first steps, then the global caption alone.
        scheduler.set_begin_index(0)
        try:
            for index, t in enumerate(timesteps):
                grounded = index < grounded_steps
                self.grounding.active = self.control_grounding.active = grounded
                embeds = text.grounded_embeds if grounded else text.global_embeds
                embeds = embeds.repeat(batch, 1, 1)
                text_ids = torch.zeros(embeds.shape[1], 3, device=device, dtype=dtype)
                timestep = t.expand(batch).to(latents.dtype)
                residuals = self._control_residuals(control, latents, timestep, guidance, pooled, embeds, text_ids,
                                                    image_ids, settings)
                noise = transformer(hidden_states=latents, timestep=timestep / 1000, guidance=guidance,
                                    pooled_projections=pooled, encoder_hidden_states=embeds, txt_ids=text_ids,
                                    img_ids=image_ids, return_dict=False, **residuals)[0]
                if text.negative is not None:
                    self.grounding.active = False
                    negative_pooled, negative_embeds = text.negative
                    negative_embeds = negative_embeds.repeat(batch, 1, 1)
                    negative_noise = transformer(
                        hidden_states=latents, timestep=timestep / 1000, guidance=guidance,
                        pooled_projections=negative_pooled.repeat(batch, 1), encoder_hidden_states=negative_embeds,
                        txt_ids=torch.zeros(negative_embeds.shape[1], 3, device=device, dtype=dtype),
                        img_ids=image_ids, return_dict=False, **residuals)[0]
                    noise = negative_noise + settings.true_cfg * (noise - negative_noise)
                latents = scheduler.step(noise, t, latents, return_dict=False)[0]
                if step_done is not None:
                    step_done()
        finally:
            self.grounding.active = self.control_grounding.active = False

        # 7. Decode
        latents = pipe._unpack_latents(latents, scene.height, scene.width, pipe.vae_scale_factor)
        latents = (latents / pipe.vae.config.scaling_factor) + pipe.vae.config.shift_factor
        latents = latents.to(pipe.vae.device)
        images = pipe.vae.decode(latents, return_dict=False)[0]
        return pipe.image_processor.postprocess(images, output_type="pil")

    @staticmethod
    def _ground(state: Grounding, layers: int, scene: Scene, segments: TextSegments, grid_h: int, grid_w: int,
                settings: FluxSettings, device) -> None:
        text_mask, image_mask = scene_masks(scene, segments, grid_h, grid_w)
        state.text_mask, state.image_mask = text_mask.to(device), image_mask.to(device)
        state.image_layers = binding_layers(settings.image_binding, layers)

    # -- control ----------------------------------------------------------------------------

    def _control_latents(self, image: Image.Image, scene: Scene, batch: int, generator, device):
        pipe, controlnet = self.pipe, self.controlnet
        pixels = pipe.image_processor.preprocess(image, height=scene.height, width=scene.width)
        pixels = pixels.repeat_interleave(batch, dim=0).to(device=device, dtype=pipe.vae.dtype)
        if controlnet.input_hint_block is not None:  # XLabs-style ControlNets take pixels
            return pixels
        latents = retrieve_latents(pipe.vae.encode(pixels), generator=generator)
        latents = (latents - pipe.vae.config.shift_factor) * pipe.vae.config.scaling_factor
        height, width = latents.shape[2:]
        return pipe._pack_latents(latents, batch, self.transformer.config.in_channels // 4, height, width)

    def _control_residuals(self, control, latents, timestep, guidance, pooled, embeds, text_ids, image_ids,
                           settings: FluxSettings) -> dict:
        if control is None:
            return {}
        controlnet = self.controlnet
        mode = None
        if controlnet.config.num_mode is not None:
            mode = torch.tensor(UNION_POSE_MODE, device=latents.device, dtype=torch.long).view(-1, 1)
            mode = mode.expand(latents.shape[0], 1)
        control_guidance = None
        if controlnet.config.guidance_embeds:
            control_guidance = torch.tensor([settings.guidance], device=latents.device).expand(latents.shape[0])
        blocks, single_blocks = controlnet(
            hidden_states=latents, controlnet_cond=control, controlnet_mode=mode,
            conditioning_scale=settings.control_scale, timestep=timestep / 1000, guidance=control_guidance,
            pooled_projections=pooled, encoder_hidden_states=embeds, txt_ids=text_ids, img_ids=image_ids,
            return_dict=False)
        return {"controlnet_block_samples": blocks, "controlnet_single_block_samples": single_blocks,
                "controlnet_blocks_repeat": controlnet.input_hint_block is not None}


def _token_grid(scene: Scene, vae_scale_factor: int) -> tuple[int, int]:
    """Image tokens per column and row: latents are packed 2x2, so one token covers 16x16 pixels."""
    return scene.height // (vae_scale_factor * 2), scene.width // (vae_scale_factor * 2)
