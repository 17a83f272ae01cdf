"""`deig`: the published DEIG checkpoint (dushy5/DEIG), run in our own code.

Instance Detail Extractor + Detail Fusion Module on an SD-1.x UNet with a T5-XL text encoder;
defaults from the reference (40 DDIM steps, guidance 7.5, 512x512). Cheap checks (scene limits,
model location, device, memory) come before any weight; heavy imports happen in `load`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from renderers.base import ProgressCallback, RenderedImage, Renderer, RendererOptions
from scenes.errors import InvalidInput, RendererUnavailable
from scenes.manifest import ModelRef, RendererRecord
from scenes.model import Scene

from . import locate as locating
from .config import FULL, MAX_INSTANCES, TINY, DeigConfig
from .index import read_index

DEFAULT_MODEL = "dushy5/DEIG"
# The reference's default negative prompt (spec §4.3), used when a scene has none.
DEFAULT_NEGATIVE = ("longbody, lowres, distorted face, bad anatomy, bad hands, missing fingers, extra digit, "
                    "fewer digits, cropped, worst quality, low quality")
SIDE_MULTIPLE = 64  # 8 (VAE) x 8 (three UNet downsamplings): every level's grid is exact


class DeigOptions(RendererOptions):
    model: Annotated[str, Field(min_length=1, max_length=1024)] = DEFAULT_MODEL
    steps: Annotated[int, Field(ge=1, le=500)] = 40
    guidance: Annotated[float, Field(ge=0.0, le=50.0)] = 7.5
    scheduler: Literal["ddim"] = "ddim"
    device: Annotated[str, Field(pattern=r"^(auto|cpu|cuda(:\d+)?)$")] = "auto"
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"
    offload: bool = False
    allow_pickle: bool = Field(default=False, description="Convert a pickle checkpoint (model.pth) on first use.")
    negative: Annotated[str, Field(min_length=0, max_length=2000)] = DEFAULT_NEGATIVE
    fusion: Literal["masked", "unmasked"] = Field(
        default="masked", description="'unmasked' lets every pixel see every instance (the reference without xformers).")
    attention: Literal["sdpa", "eager"] = "sdpa"
    strength_schedule: tuple[float, float, float] = Field(
        default=(1.0, 0.0, 0.0), description="Fusion strength [full, ramp, off] fractions of the steps (sum 1).")

    @field_validator("steps")
    @classmethod
    def _steps_fit_the_schedule(cls, value: int) -> int:
        from .timesteps import ddim_timesteps

        ddim_timesteps(value)  # its ValueError names the nearest step counts that work
        return value

    @model_validator(mode="after")
    def _schedule_sums_to_one(self) -> DeigOptions:
        if any(v < 0 for v in self.strength_schedule) or abs(sum(self.strength_schedule) - 1.0) > 1e-6:
            raise ValueError("strength_schedule must be three non-negative fractions summing to 1")
        return self


class DeigRenderer(Renderer):
    name = "deig"
    description = "The published DEIG model: per-instance detail tokens fused inside each box (SD-1.x + T5-XL)."
    Options = DeigOptions
    max_instances = MAX_INSTANCES

    def __init__(self, options: DeigOptions | None = None):
        super().__init__(options)
        self._components = None
        self._index = None

    @property
    def config(self) -> DeigConfig:
        """The architecture: the tiny preset, a converted folder's own, or the published one."""
        location = self.location()
        if location.kind == "tiny":
            return TINY
        if location.ready:
            return read_index(location.converted).config
        return FULL

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
        if (scene.width, scene.height) != (native, native):
            warnings.append(f"DEIG was trained at {native}x{native}; {scene.width}x{scene.height} may look worse.")
        posed = [instance.name for instance in scene.instances if instance.pose is not None]
        if posed:
            warnings.append(f"the deig renderer does not use poses; ignoring the pose of {len(posed)} instance(s) "
                            f"({', '.join(posed[:3])}{', …' if len(posed) > 3 else ''}). Use --renderer regional "
                            "or finecontrolnet to follow poses.")
        return warnings

    def location(self) -> locating.ModelLocation:
        return locating.locate(self.options.model)

    def check_environment(self) -> None:
        import torch

        from . import memory

        device = self._device()
        location = self.location()
        if location.kind == "tiny":
            return
        if not location.ready and not self.options.allow_pickle:
            source = location.source or location.value
            raise RendererUnavailable(
                f"the DEIG model '{location.value}' has not been converted yet",
                hint=f"Run 'deig convert deig {source}' once (it writes safetensors to {location.converted}), "
                     "or pass --opt allow_pickle=true to convert on first use.",
            )
        if location.ready:
            from .weights import parameter_counts

            counts = parameter_counts(location.converted)
            estimate = memory.estimate(counts, self.config, height=self.config.native_size,
                                       width=self.config.native_size, dtype=self._dtype(device),
                                       slots=MAX_INSTANCES, offload=self.options.offload, device=str(device))
            memory.require(estimate, memory.free_memory(torch.device(device)))

    def _device(self) -> str:
        import torch

        requested = self.options.device
        if requested == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if requested.startswith("cuda") and not torch.cuda.is_available():
            raise RendererUnavailable(f"device '{requested}' is not available: no CUDA GPU is visible",
                                      hint="Use --opt device=cpu (slow), or run on a machine with a GPU.")
        return requested

    def _dtype(self, device: str):
        import torch

        if self.options.dtype == "auto":
            # The reference recommends fp16 on GPUs; CPUs compute in float32.
            return torch.float16 if device.startswith("cuda") else torch.float32
        dtype = getattr(torch, self.options.dtype)
        if device == "cpu" and dtype == torch.float16:
            raise InvalidInput("float16 is not supported on the CPU", hint="Use --opt dtype=float32 or bfloat16.")
        return dtype

    # -- expensive -------------------------------------------------------------------------

    def load(self) -> None:
        import torch

        from .pipeline import DeigComponents, DeigPipeline
        from .text import T5Features

        self.check_environment()
        device = torch.device(self._device())
        dtype = self._dtype(device.type)
        location = self.location()
        if location.kind == "tiny":
            from .tiny import build_tiny

            modules, vae, tokenizer, encoder = build_tiny()
            for module in (modules.unet, modules.extractor):
                _set_kernel(module, self.options.attention)
            config = TINY
        else:
            from .weights import load_converted

            if not location.ready:
                self._convert_on_first_use(location)
            weights = load_converted(location.converted, kernel=self.options.attention)
            modules, vae, tokenizer, encoder = weights.modules, weights.vae, weights.tokenizer, weights.text_encoder
            config, self._index = weights.config, weights.index
        for module in (modules.unet, modules.extractor, vae):
            # nn.Module.to, not diffusers' override: that one warns about float32-only modules even
            # when a model has none.
            torch.nn.Module.to(module, device=device, dtype=dtype)
        # Offload keeps the T5 encoder (the largest single part) on the CPU, in float32 there.
        if self.options.offload:
            encoder.to(device=torch.device("cpu"), dtype=torch.float32)
        else:
            encoder.to(device=device, dtype=dtype)
        text = T5Features(tokenizer, encoder, config.text.max_length)
        self._components = DeigComponents(config, modules, vae, text, device, dtype)
        self._pipeline = DeigPipeline(self._components)
        self.loaded = True

    def _convert_on_first_use(self, location: locating.ModelLocation) -> None:
        from .weights import convert_checkpoint

        source = location.source if location.kind == "checkpoint" else download(location.value)
        convert_checkpoint(source, location.converted, overwrite=True)

    def render(self, scene: Scene, seeds: list[int], progress: ProgressCallback | None = None) -> list[RenderedImage]:
        from .pipeline import DeigRequest

        if not self.loaded:
            self.load()
        options = self.options
        request = DeigRequest(
            prompt=global_prompt(scene),
            negative_prompt=scene.negative if scene.negative is not None else options.negative,
            phrases=[instance.caption for instance in scene.instances],
            boxes=[list(instance.box) for instance in scene.instances],
            height=scene.height, width=scene.width, steps=options.steps, guidance=options.guidance,
            strength_schedule=options.strength_schedule, masked=options.fusion == "masked",
        )
        images = self._pipeline(request, seeds, progress)
        return [RenderedImage(image=image, seed=seed) for image, seed in zip(images, seeds, strict=True)]

    # -- records ---------------------------------------------------------------------------

    def model_refs(self) -> list[ModelRef]:
        if self.options.model == locating.TINY:
            return [ModelRef(role="pipeline", id="tiny", revision="random-init")]
        revision = f"sha256:{self._index.source.sha256}" if self._index is not None else None
        return [ModelRef(role="pipeline", id=self.options.model, revision=revision)]

    def describe(self) -> RendererRecord:
        from .sampler import DdimSampler

        details: dict[str, Any] = {"max_instances": MAX_INSTANCES, "tokens_per_instance": 16}
        components = self._components
        return RendererRecord(
            name=self.name, options=self.resolved_options(), models=self.model_refs(),
            scheduler=DdimSampler(self.config.schedule, self.options.steps).describe(),
            dtype=str(components.dtype).removeprefix("torch.") if components else None,
            device=str(components.device) if components else None, details=details,
        )


def global_prompt(scene: Scene) -> str:
    """The caption the IDE turns into the cross-attention context; the setting joins it."""
    if scene.background and scene.background.lower() not in scene.caption.lower():
        return f"{scene.caption}, {scene.background}"
    return scene.caption


def download(repo_id: str):
    """The published files of a Hub repository (model.pth and T5-XL/), into the Hub cache."""
    from pathlib import Path

    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id=repo_id, allow_patterns=["model.pth", "T5-XL/*"]))
    except Exception as exc:  # offline, not found, gated, network: all mean "weights unavailable"
        raise RendererUnavailable(f"cannot download '{repo_id}': {str(exc).splitlines()[0]}",
                                  hint="Check the network and HF_HUB_OFFLINE, or download the repository yourself "
                                       "and run 'deig convert deig FOLDER DST'.") from None


def _set_kernel(module, kernel: str) -> None:
    from .fusion import DetailFusionAttnProcessor

    for sub in module.modules():
        if getattr(sub, "processor", None).__class__ is DetailFusionAttnProcessor:
            sub.set_processor(DetailFusionAttnProcessor(kernel))


def _round(side: int) -> int:
    return max(SIDE_MULTIPLE, round(side / SIDE_MULTIPLE) * SIDE_MULTIPLE)
