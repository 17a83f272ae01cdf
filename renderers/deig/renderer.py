"""`deig`: the published DEIG checkpoint (dushy5/DEIG), run in our own code.

Instance Detail Extractor + Detail Fusion Module on an SD-1.x UNet with a T5-XL text encoder;
defaults from the reference (40 DDIM steps, guidance 7.5, 512x512). Cheap checks (scene limits,
model location, device, memory) come before any weight; heavy imports happen in `load`. Devices,
dtypes, offload, noise and decoding come from the shared diffusion runtime.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from renderers.base import ProgressCallback, RenderedImage, Renderer
from renderers.diffusion.options import DiffusionOptions
from scenes.errors import InvalidInput, RendererUnavailable
from scenes.manifest import ModelRef, RendererRecord
from scenes.model import Scene

from . import locate as locating
from .config import FULL, MAX_INSTANCES, TINY, TOKENS_PER_INSTANCE, DeigConfig
from .index import read_index

DEFAULT_MODEL = "dushy5/DEIG"
# The reference's default negative prompt (spec §4.3), used when a scene has none.
DEFAULT_NEGATIVE = ("longbody, lowres, distorted face, bad anatomy, bad hands, missing fingers, extra digit, "
                    "fewer digits, cropped, worst quality, low quality")
SIDE_MULTIPLE = 64  # 8 (VAE) x 8 (three UNet downsamplings): every level's grid is exact


class DeigOptions(DiffusionOptions):
    model: Annotated[str, Field(min_length=1, max_length=1024)] = Field(
        default=DEFAULT_MODEL,
        description="dushy5/DEIG (converted once into the cache), a converted folder, the published folder "
        "(model.pth + T5-XL/, with --allow-pickle), or 'tiny' (random weights, for tests).",
    )
    steps: Annotated[int, Field(ge=1, le=1000)] = Field(default=40, description="Denoising steps (DDIM).")
    scheduler: str = Field(default="ddim", description="DEIG samples with the reference's DDIM only.")
    negative: Annotated[str, Field(max_length=2000)] = Field(
        default=DEFAULT_NEGATIVE, description="Negative prompt for scenes that have none.")
    fusion: Literal["masked", "unmasked"] = Field(
        default="masked", description="'unmasked' lets every pixel see every instance (the reference without xformers).")
    attention: Literal["sdpa", "eager"] = Field(
        default="sdpa", description="Kernel of the fused attention; the box mask applies on both.")
    strength_schedule: tuple[float, float, float] = Field(
        default=(1.0, 0.0, 0.0), description="Fusion strength [full, ramp, off] as fractions of the steps (sum 1).")

    @field_validator("steps")
    @classmethod
    def _steps_fit_the_schedule(cls, value: int) -> int:
        from renderers.diffusion.timesteps import ddim_timesteps

        ddim_timesteps(value)  # its ValueError names the nearest step counts that work
        return value

    @field_validator("scheduler")
    @classmethod
    def _reference_sampler(cls, value: str) -> str:
        if value.strip().lower() not in ("ddim", "default"):
            raise ValueError(f"the deig renderer samples with the reference's DDIM only (got '{value}')")
        return "ddim"

    @model_validator(mode="after")
    def _schedule_sums_to_one(self) -> DeigOptions:
        if any(v < 0 for v in self.strength_schedule) or abs(sum(self.strength_schedule) - 1.0) > 1e-6:
            raise ValueError("strength_schedule must be three non-negative fractions summing to 1")
        return self


class DeigRenderer(Renderer):
    name = "deig"
    description = "The published DEIG model: per-instance detail tokens fused inside each box (SD-1.x + T5-XL)."
    Options = DeigOptions
    options: DeigOptions
    max_instances = MAX_INSTANCES

    def __init__(self, options: DeigOptions | None = None):
        super().__init__(options)
        self.components = None
        self._pipeline = None
        self._refs: list[ModelRef] = []

    @property
    def config(self) -> DeigConfig:
        """The architecture: the tiny preset, a converted folder's own, or the published one."""
        if self.options.model == locating.TINY:
            return TINY
        folder = locating.converted_folder(self.options.model)
        return read_index(folder).config if folder is not None else FULL

    def location(self) -> locating.ModelLocation:
        return locating.locate(self.options.model)

    # -- cheap -----------------------------------------------------------------------------

    def check(self, scene: Scene) -> list[str]:
        scene.require_complete()
        count = len(scene.instances)
        if count > self.max_instances:
            raise InvalidInput(
                f"the scene has {count} instances; the DEIG model has {self.max_instances} instance slots",
                hint="Use --renderer regional, which takes any number of instances, or merge instances.",
            )
        if scene.width % SIDE_MULTIPLE or scene.height % SIDE_MULTIPLE:
            raise InvalidInput(
                f"DEIG needs width and height in multiples of {SIDE_MULTIPLE} (got {scene.width}x{scene.height})",
                hint=f"Use e.g. {_round(scene.width)}x{_round(scene.height)}; DEIG was trained at 512x512.",
            )
        warnings = []
        native = self.config.native_size
        if self.options.model != locating.TINY and (scene.width, scene.height) != (native, native):
            warnings.append(f"DEIG was trained at {native}x{native}; {scene.width}x{scene.height} may look worse.")
        posed = [instance.name for instance in scene.instances if instance.pose is not None]
        if posed:
            warnings.append(f"the deig renderer does not use poses; ignoring the pose of {len(posed)} instance(s) "
                            f"({', '.join(posed[:3])}{', …' if len(posed) > 3 else ''}). Use --renderer regional "
                            "or finecontrolnet to follow poses.")
        return warnings

    def check_environment(self) -> None:
        from renderers.diffusion.runtime import check_dependencies

        check_dependencies(self.name)
        from renderers.diffusion.devices import check_offload, resolve_device

        device = resolve_device(self.options.device)
        check_offload(self.options.offload, device)
        location = self.location()
        if location.kind == "tiny":
            return
        if location.ready:
            self._check_memory(location, device)
        else:
            self._check_convertible(location)

    def _check_memory(self, location: locating.ModelLocation, device) -> None:
        """Raise, naming the memory needed, when the device has too little free (before loading)."""
        import torch

        from renderers.diffusion.devices import resolve_dtype

        from . import memory
        from .weights import parameter_counts

        native = self.config.native_size
        from .text import encoder_dtype

        dtype = resolve_dtype(self.options.dtype, device)
        estimate = memory.estimate(parameter_counts(location.converted), self.config, height=native, width=native,
                                   dtype=dtype, text_dtype=encoder_dtype(dtype, torch.device(device)),
                                   slots=MAX_INSTANCES, offload=self.options.offload, device=str(device))
        memory.require(estimate, memory.free_memory(torch.device(device)))

    def _check_convertible(self, location: locating.ModelLocation) -> None:
        """A model that is not converted yet: convertible here (with --allow-pickle), or not."""
        from renderers.diffusion.sources import cached_file, offline

        source = location.source or location.value
        convert = f"Run 'deig convert deig {source}' once (it writes safetensors to {location.converted})"
        if location.kind == "hub" and not self.options.allow_pickle:
            need = self.weight_needs([])[0]
            if not need.here:
                from renderers.weights import missing_error

                raise missing_error([need])
        if not self.options.allow_pickle:
            if location.kind == "checkpoint":
                raise InvalidInput(f"{source} is a pickle checkpoint (model.pth) and pickles are refused by default",
                                   hint=f"{convert}, or pass --allow-pickle to convert it on first use.")
            raise RendererUnavailable(f"the DEIG model '{location.value}' has not been converted yet",
                                      hint=f"{convert}, or pass --allow-pickle to download and convert it on "
                                           "first use.")
        if location.kind == "hub" and offline() and cached_file(location.value, locating.CHECKPOINT_FILE) is None:
            raise RendererUnavailable(f"'{location.value}' is not in the local model cache and HF_HUB_OFFLINE is set",
                                      hint=f"{convert} where there is network access.")

    def weight_needs(self, scenes) -> list:
        """The published checkpoint, while a hub model is not converted yet (its conversion comes after)."""
        from renderers.weights import WeightNeed

        location = self.location()
        if location.kind != "hub" or location.ready:
            return []
        return [WeightNeed(location.value, "DEIG checkpoint (model.pth + T5-XL/)", "deig", allow_pickle=True,
                           then=f"deig convert deig {location.value}")]

    # -- expensive -------------------------------------------------------------------------

    def load(self) -> None:
        if self.loaded:
            return
        import torch

        from renderers.diffusion.devices import resolve_device, resolve_dtype
        from renderers.diffusion.offload import Placement
        from renderers.diffusion.records import modules_sha256

        from .pipeline import DeigComponents, DeigPipeline
        from .text import T5Features, encoder_dtype

        self.check_environment()
        device = resolve_device(self.options.device)
        dtype = resolve_dtype(self.options.dtype, device)
        location = self.location()
        if location.kind == "tiny":
            from .fusion import set_fusion_kernel
            from .tiny import build_tiny

            modules, vae, tokenizer, encoder = build_tiny()
            set_fusion_kernel(modules.unet, self.options.attention)
            config = TINY
            self._refs = [ModelRef(role="pipeline", id="tiny", revision="sha256:" + modules_sha256(
                modules.unet, modules.extractor, vae, encoder))]
        else:
            from .weights import load_converted

            if not location.ready:
                self._convert_on_first_use(location)
                self._check_memory(location, device)
            weights = load_converted(location.converted, kernel=self.options.attention)
            modules, vae, tokenizer, encoder = weights.modules, weights.vae, weights.tokenizer, weights.text_encoder
            config = weights.config
            self._refs = [ModelRef(role="pipeline", id=self.options.model,
                                   revision=f"sha256:{weights.index.source.sha256}")]
        for module in (modules.unet, modules.extractor, vae, encoder):
            # nn.Module.to, not diffusers' override: that one warns about float32-only modules even
            # when a model has none. T5 never runs in fp16 (it overflows): see text.encoder_dtype.
            torch.nn.Module.to(module, dtype=encoder_dtype(dtype, device) if module is encoder else dtype)
            module.requires_grad_(False)
        placement = Placement(self.options.offload, device, [encoder], modules.unet, vae)
        # The IDE runs at every step beside the UNet, as a ControlNet does: placed the same way.
        placement.add_controlnet(modules.extractor)
        text = T5Features(tokenizer, encoder, config.text.max_length)
        self.components = DeigComponents(config, modules, vae, text, device, dtype, placement)
        self._pipeline = DeigPipeline(self.components)
        self.loaded = True

    def _convert_on_first_use(self, location: locating.ModelLocation) -> None:
        from .convert import convert

        convert(location.value, force=True)

    def render(self, scene: Scene, seeds: list[int], progress: ProgressCallback | None = None) -> list[RenderedImage]:
        from renderers.diffusion.decoding import use_tiling

        from .pipeline import DeigRequest

        self.check(scene)  # the cheap checks hold for every caller, not only the command line
        self.load()
        options = self.options
        request = DeigRequest(
            prompt=global_prompt(scene),
            negative_prompt=scene.negative if scene.negative is not None else options.negative,
            phrases=[instance.caption for instance in scene.instances],
            boxes=[list(instance.box) for instance in scene.instances],
            height=scene.height, width=scene.width, steps=options.steps, guidance=options.guidance,
            strength_schedule=options.strength_schedule, masked=options.fusion == "masked",
            tiled_decode=use_tiling(options.vae_tiling, scene.width, scene.height, self.components.config.native_size),
        )
        images = self._pipeline(request, seeds, progress)
        return [RenderedImage(image=image, seed=seed) for image, seed in zip(images, seeds, strict=True)]

    # -- records ---------------------------------------------------------------------------

    def model_refs(self) -> list[ModelRef]:
        return list(self._refs)

    def describe(self) -> RendererRecord:
        from renderers.diffusion.devices import dtype_name

        from .sampler import DdimSampler

        if self.components is None:
            return super().describe()
        return RendererRecord(
            name=self.name, options=self.resolved_options(), models=self.model_refs(),
            scheduler=DdimSampler(self.components.config.schedule, self.options.steps).describe(),
            dtype=dtype_name(self.components.dtype), device=str(self.components.device),
            details={"max_instances": MAX_INSTANCES, "tokens_per_instance": TOKENS_PER_INSTANCE,
                     "offload": self.options.offload, "fusion": self.options.fusion},
        )


def global_prompt(scene: Scene) -> str:
    """The caption the IDE turns into the cross-attention context; the setting joins it."""
    if scene.background and scene.background.lower() not in scene.caption.lower():
        return f"{scene.caption}, {scene.background}"
    return scene.caption


def _round(side: int) -> int:
    return max(SIDE_MULTIPLE, round(side / SIDE_MULTIPLE) * SIDE_MULTIPLE)

