"""The FineControlNet renderer: one ControlNet-OpenPose + UNet branch per instance, composited in latent space.

Training-free, on SD-1.5 with ControlNet-OpenPose (`lllyasviel/control_v11p_sd15_openpose` by
default), following the reference procedure (spec §6): every instance is a branch with its own
caption and, when it has a pose, its own skeleton as control image; masks grown from the skeletons
(`masks.py`) decide per iteration how much of each latent pixel every branch owns, hard at first and
softly in the last `harmony_level` iterations (`weights.py`); the branches' ControlNet residuals
and final UNet features are mixed with those weights ('h-control', `composition.py`), all branches
of an iteration in one ControlNet and one UNet call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from renderers.base import ProgressCallback, RenderedImage
from renderers.diffusion.options import DiffusionOptions
from renderers.diffusion.runtime import DiffusionRenderer
from scenes.errors import InvalidInput
from scenes.model import Scene

from .masks import BLUR_SIGMA, MASK_TEMPERATURE
from .prompts import NEGATIVE_PROMPT, QUALITY_SUFFIX

LAYOUT_CACHE_SIZE = 8


@dataclass
class Branches:
    """What every iteration of one scene uses: the rows, the weight schedule, the ControlNet."""

    batch: Any  # composition.BranchBatch
    schedule: Any  # weights.WeightSchedule
    controlnet: Any  # None when no instance has a pose
    guided: bool
    extras: dict[str, Any]


class FineControlNetOptions(DiffusionOptions):
    guidance: Annotated[float, Field(ge=0.0, le=50.0)] = Field(
        default=9.0, description="Classifier-free guidance scale (the reference uses 9); 1 or less turns it off.")
    scheduler: str = Field(default="ddim", description="Sampler (the reference uses ddim, η = 0); see ddim_timesteps.")
    controlnet: Annotated[str, Field(min_length=1, max_length=1024)] = Field(
        default="auto", description="OpenPose ControlNet: auto (lllyasviel/control_v11p_sd15_openpose for SD-1.5, "
        "the tiny one for --model tiny), a hub id, folder or file.")
    control_strength: Annotated[float, Field(ge=0.0, le=4.0)] = Field(
        default=1.5, description="Scale of every ControlNet residual.")
    harmony_level: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        default=None, description="Final iterations with soft masks (the others use hard ones); default steps // 2.")
    mask_temperature: Annotated[float, Field(gt=0.0, le=10.0)] = Field(
        default=MASK_TEMPERATURE, description="Softmax temperature of the soft masks.")
    mask_dilation: Annotated[int, Field(ge=1, le=1025)] | None = Field(
        default=None, description="Side of the square kernel that grows a skeleton into its region (odd); "
        "default: the short side // 8, made odd (65 at 512).")
    mask_blur: Annotated[float, Field(ge=0.0, le=16.0)] = Field(
        default=BLUR_SIGMA, description="σ of the Gaussian blur of the regions, in pixels.")
    negative_prompt: Annotated[str, Field(max_length=2000)] = Field(
        default=NEGATIVE_PROMPT, description="Negative text of every branch, when the scene has none.")
    quality_suffix: Annotated[str, Field(max_length=200)] = Field(
        default=QUALITY_SUFFIX, description="Appended to every branch's text after a comma (empty: nothing).")
    ddim_timesteps: Literal["reference", "diffusers"] = Field(
        default="reference", description="With the ddim sampler: reference visits every 1000 // steps-th timestep "
        "from 1 (31 iterations for 30 steps), diffusers uses its own leading spacing (30).")
    max_batch: Annotated[int, Field(ge=1, le=4096)] | None = Field(
        default=None, description="Most rows (instances x guidance passes) per UNet or ControlNet call; "
        "smaller splits large scenes into several calls with the same result. Default: all in one call.")

    @model_validator(mode="after")
    def _steps_fit_the_reference_timesteps(self) -> FineControlNetOptions:
        if self.scheduler == "ddim" and self.ddim_timesteps == "reference":
            from renderers.diffusion.timesteps import ddim_timesteps

            ddim_timesteps(self.steps)  # its ValueError names the nearest step counts that work
        return self

    @field_validator("mask_dilation")
    @classmethod
    def _odd(cls, value: int | None) -> int | None:
        if value is not None and value % 2 == 0:
            raise ValueError(f"must be odd (got {value})")
        return value


class FineControlNetRenderer(DiffusionRenderer):
    name: ClassVar[str] = "finecontrolnet"
    description: ClassVar[str] = ("FineControlNet: one ControlNet-OpenPose + UNet branch per instance (own caption, "
                                  "own pose), composited in latent space with masks grown from the skeletons.")
    Options: ClassVar[type[FineControlNetOptions]] = FineControlNetOptions
    options: FineControlNetOptions

    def __init__(self, options: FineControlNetOptions | None = None):
        super().__init__(options)
        self._layouts: dict[str, object] = {}

    # -- cheap -----------------------------------------------------------------------------

    def check(self, scene: Scene) -> list[str]:
        warnings = super().check(scene)
        if not scene.instances:
            raise InvalidInput(
                f"renderer '{self.name}' needs at least one instance: every branch is an instance, and this "
                "scene has none",
                hint="Render scenes without instances with the regional renderer: --renderer regional.",
            )
        if any(instance.pose is not None for instance in scene.instances):
            self.check_controlnet()
        else:
            warnings.append("no instance has a pose: every branch runs without ControlNet, regions from the boxes")
        return warnings

    def resolved_options(self) -> dict:
        return {**super().resolved_options(), "harmony_level": self.harmony_level}

    @property
    def harmony_level(self) -> int:
        """Soft-mask iterations at the end: the option, else steps // 2."""
        from .weights import default_harmony_level

        given = self.options.harmony_level
        return given if given is not None else default_harmony_level(self.options.steps)

    def new_scheduler(self):
        from renderers.diffusion.schedulers import make_scheduler

        config = dict(self.components.scheduler_config)
        if self._reference_sampling:
            from .sampling import REFERENCE_DDIM_CONFIG

            config.update(REFERENCE_DDIM_CONFIG)
        return make_scheduler(self.options.scheduler, config)

    @property
    def _reference_sampling(self) -> bool:
        return self.options.scheduler == "ddim" and self.options.ddim_timesteps == "reference"

    # -- expensive -------------------------------------------------------------------------

    def render(self, scene: Scene, seeds: list[int], progress: ProgressCallback | None = None) -> list[RenderedImage]:
        import torch

        from renderers.diffusion.decoding import decode, use_tiling
        from renderers.diffusion.latents import generators, initial_latents, step_kwargs

        options = self.options
        # 1. Check inputs
        self.check(scene)
        self.load()
        components = self.components
        factor = components.vae_scale_factor

        with torch.no_grad():
            # 2-4. Masks and control images, one text per branch, timesteps and the weight schedule
            branches = self.prepare(scene)

            images: list[RenderedImage] = []
            total, done = len(seeds) * branches.schedule.iterations, 0
            for seed in seeds:
                # 5. Prepare latents: one CPU generator per image
                scheduler = self._timed_scheduler()
                gens = generators([seed])
                latents = initial_latents(gens, channels=components.unet.config.in_channels,
                                          height=scene.height // factor, width=scene.width // factor,
                                          scheduler=scheduler, device=self.execution_device, dtype=self.dtype)
                extra_step = step_kwargs(scheduler, gens)

                # 6. Denoise: every branch in one ControlNet and one UNet call per iteration
                for iteration, timestep in enumerate(scheduler.timesteps):
                    latents = self.denoise_step(branches, scheduler, latents, iteration, timestep, extra_step)
                    done += 1
                    if progress is not None:
                        progress(done, total)

                # 7. Decode
                self.placement.before_decode()
                tiled = use_tiling(options.vae_tiling, scene.width, scene.height, components.native_side)
                (image,) = decode(components.vae, latents, tiled=tiled)
                images.append(RenderedImage(image=image, seed=seed, extras=dict(branches.extras)))
        return images

    def prepare(self, scene: Scene) -> Branches:
        """Everything the iterations of a scene share, whatever the seed (needs `load`)."""
        import torch

        from .weights import WeightSchedule

        guided = self.options.guidance > 1.0
        # 2. Instance masks and control images, once per layout
        layout = self._layout(scene, self.components.vae_scale_factor)
        controlnet = self.controlnet(self.controlnet_spec()) if layout.posed else None
        # 3. Encode one text per branch (and the negative text), and lay out the rows
        batch = self._branch_batch(scene, layout, guided)
        # 4. Count the iterations; the first I - H_l use hard masks, the rest soft ones
        iterations = len(self._timed_scheduler().timesteps)
        schedule = WeightSchedule(torch.from_numpy(layout.masks), iterations=iterations,
                                  harmony_level=self.harmony_level, temperature=self.options.mask_temperature)
        return Branches(batch=batch, schedule=schedule, controlnet=controlnet, guided=guided,
                        extras=self._extras(scene, layout, schedule))

    def denoise_step(self, branches: Branches, scheduler, latents, iteration: int, timestep, extra_step: dict):
        """One iteration: the composited noise prediction of every branch, guidance, the sampler's update."""
        from .composition import predict_noise

        options = self.options
        model_input = scheduler.scale_model_input(latents, timestep)
        noise = predict_noise(self.components.unet, branches.controlnet, model_input, timestep, branches.batch,
                              branches.schedule, iteration, strength=options.control_strength,
                              max_batch=options.max_batch)
        if branches.guided:
            negative, positive = noise.chunk(2)
            noise = negative + options.guidance * (positive - negative)
        return scheduler.step(noise, timestep, latents, **extra_step, return_dict=False)[0]

    # -- helpers ---------------------------------------------------------------------------

    def _timed_scheduler(self):
        """A fresh scheduler with its timesteps set (the reference's list for ddim, unless told otherwise)."""
        from .sampling import use_reference_timesteps

        scheduler = self.new_scheduler()
        if self._reference_sampling:
            use_reference_timesteps(scheduler, self.options.steps, self.execution_device)
        else:
            scheduler.set_timesteps(self.options.steps, device=self.execution_device)
        return scheduler

    def _layout(self, scene: Scene, factor: int):
        """Masks and control images of the scene's layout, cached (they do not depend on the seed)."""
        import json

        from .masks import instance_masks

        key = json.dumps([scene.width, scene.height, factor, self.options.mask_dilation, self.options.mask_blur,
                          [[i.box, i.keypoints(scene.aspect)] for i in scene.instances]])
        if key not in self._layouts:
            if len(self._layouts) >= LAYOUT_CACHE_SIZE:
                self._layouts.pop(next(iter(self._layouts)))
            self._layouts[key] = instance_masks(scene, factor=factor, dilation=self.options.mask_dilation,
                                                blur_sigma=self.options.mask_blur)
        return self._layouts[key]

    def _branch_batch(self, scene: Scene, layout, guided: bool):
        """Rows of every iteration: texts (negative pass first) and the posed rows' control images."""
        import torch

        from renderers.diffusion.control import control_tensor
        from renderers.diffusion.text import encode_padded, zeros_like

        from .composition import BranchBatch
        from .prompts import branch_texts, negative_text

        components, device = self.components, self.execution_device
        count = len(scene.instances)
        positive = encode_padded(components, branch_texts(scene, self.options.quality_suffix), device)
        parts = [positive]
        if guided:
            negative_prompt = negative_text(scene, self.options.negative_prompt)
            negative = encode_padded(components, [negative_prompt], device)
            if not negative_prompt and components.force_zeros_for_empty_prompt:
                negative = zeros_like(negative)
            parts.insert(0, negative)
        passes = len(parts)
        context = torch.cat([part.tokens.expand(count, -1, -1) for part in parts]).to(self.dtype)
        controls = None
        if layout.posed:
            single = [control_tensor(layout.controls[n], batch=1, device=device, dtype=self.dtype) for n in layout.posed]
            controls = torch.cat(single * passes)
        added = None
        if components.family == "sdxl":
            from renderers.diffusion.sdxl import added_conditions

            pooled = torch.cat([part.pooled.expand(count, -1) for part in parts]).to(device=device, dtype=self.dtype)
            added = added_conditions(pooled, scene.height, scene.width)
        return BranchBatch(branches=count, passes=passes, context=context, posed=layout.posed, controls=controls,
                           added=added)

    def _extras(self, scene: Scene, layout, schedule) -> dict:
        """Each posed instance's control image, and who owns which part of the canvas in the hard phase."""
        from .masks import regions_image

        extras = {f"control-{index}": layout.controls[index] for index in layout.posed}
        extras["regions"] = regions_image(schedule.hard.numpy(), scene.width, scene.height,
                                          names=[instance.name for instance in scene.instances])
        return extras
