"""The regional renderer's FLUX.1 side: checks, loading, rendering and the manifest record.

`RegionalRenderer` hands its work here when --model is a FLUX.1 (see `sources.is_flux`). Options are
the regional renderer's own; the FLUX-only ones (`options.FluxFields`) and the family defaults live
here: FLUX.1-schnell draws in 4 steps without guidance, FLUX.1-dev in 28 steps with its distilled
guidance at 3.5 (the values of their model cards), unless --steps / --guidance say otherwise.
"""

from __future__ import annotations

from typing import Any

from renderers.base import ProgressCallback, RenderedImage
from scenes.errors import InvalidInput
from scenes.manifest import ModelRef, RendererRecord
from scenes.model import Scene

from .options import FLUX_ONLY
from .sources import FluxSource, check_flux_controlnet, check_flux_model

SCHNELL_DEFAULTS = {"steps": 4, "guidance": 0.0}
DEV_DEFAULTS = {"steps": 28, "guidance": 3.5}
PATCH_PIXELS = 16  # one FLUX image token: 2x2 latent cells of 8x8 pixels
DEV_POSE_CONTROLNET = "Shakker-Labs/FLUX.1-dev-ControlNet-Union-Pro"
# Options of the SD side that mean nothing to FLUX: set explicitly, they are refused rather than ignored.
SD_ONLY = ("scheduler", "fusion", "base_ratio", "fusion_strength", "fusion_steps", "fusion_decay", "fusion_layers",
           "self_attention_steps", "self_attention_penalty", "mask_feather", "pose_mask_dilation", "vae_tiling")


def _set_by_user(options, names) -> list[str]:
    """Options among `names` the user gave a value of their own (a value equal to the default changes nothing;
    validators may also fill fields from other fields' values, which the user did not set)."""
    defaults = type(options)()
    return sorted(name for name in set(names) & options.model_fields_set
                  if getattr(options, name) != getattr(defaults, name))


def refuse_flux_options(options) -> None:
    """On an SD model, FLUX-only options set by the user are an error."""
    chosen = _set_by_user(options, FLUX_ONLY)
    if chosen:
        raise InvalidInput(f"option '{chosen[0]}' applies to FLUX.1 models only",
                           hint="Drop it, or render with a FLUX.1 model (--model black-forest-labs/FLUX.1-schnell).")


class FluxEngine:
    def __init__(self, options):
        self.options = options
        self.flux: FluxSource | None = None
        self.pipeline = None
        self.device = None
        self.dtype = None
        self.refs: list[ModelRef] = []
        self._controlnet_ref: ModelRef | None = None

    # -- cheap -----------------------------------------------------------------------------

    def source(self) -> FluxSource:
        if self.flux is None:
            self.flux = check_flux_model(self.options.model, base=self.options.flux_base,
                                         allow_pickle=self.options.allow_pickle)
        return self.flux

    def check_environment(self) -> None:
        from renderers.diffusion.devices import check_offload, resolve_device

        from .loading import check_quantization

        source = self.source()
        chosen = _set_by_user(self.options, SD_ONLY)
        if chosen:
            raise InvalidInput(f"option '{chosen[0]}' does not apply to FLUX.1 models",
                               hint="FLUX uses its own flow-matching sampler and masks; see the README's FLUX section.")
        device = resolve_device(self.options.device)
        check_offload(self.options.offload, device)
        check_quantization(self.options.quantize)
        _check_backend(self.options.attention_backend)
        if source.source.kind == "tiny" and self.options.quantize != "none" and device.type != "cpu":
            raise InvalidInput("the tiny FLUX preset is quantised on the CPU only", hint="Use --device cpu.")

    def check(self, scene: Scene) -> list[str]:
        warnings = []
        for side, value in (("width", scene.width), ("height", scene.height)):
            if value % PATCH_PIXELS:
                raise InvalidInput(f"the scene's {side} is {value}; FLUX.1 needs multiples of {PATCH_PIXELS} "
                                   f"(nearest: {max(PATCH_PIXELS, round(value / PATCH_PIXELS) * PATCH_PIXELS)})",
                                   hint="Set the canvas with --width/--height, or in the scene file.")
        if any(instance.pose is not None for instance in scene.instances):
            spec = self.controlnet_spec()
            if spec is None:
                warnings.append("poses shape the instance regions only: FLUX.1-schnell has no openly licensed pose "
                                f"ControlNet; name one with -O controlnet=ID (e.g. {DEV_POSE_CONTROLNET}, "
                                "FLUX.1 [dev] Non-Commercial License)")
            elif spec != "tiny":
                check_flux_controlnet(spec, transformer_text_width=None, allow_pickle=self.options.allow_pickle)
            elif self.source().source.kind != "tiny":
                raise InvalidInput("the tiny ControlNet only fits the tiny models",
                                   hint="Leave the controlnet option at 'auto', or use --model tiny-flux.")
        return warnings

    def weight_needs(self, scenes) -> list:
        """The hub models a run needs: the FLUX pipeline (or flux_base's parts), the pose ControlNet if posed."""
        from renderers.diffusion.sources import parse_source
        from renderers.weights import WeightNeed

        common = dict(dtype=self.options.dtype, device=self.options.device, allow_pickle=self.options.allow_pickle)
        needs = []
        flux = self.source()
        if flux.source.kind == "hub":
            needs.append(WeightNeed(flux.source.spec, "FLUX.1 model", "pipeline", **common))
        elif flux.base is not None and flux.base.kind == "hub":
            needs.append(WeightNeed(flux.base.spec, "FLUX.1 text encoders, VAE and scheduler (flux_base)", "pipeline",
                                    **common))
        spec = self.controlnet_spec()
        posed = any(instance.pose is not None for scene in scenes for instance in scene.instances)
        if posed and spec not in (None, "tiny") and parse_source(spec).kind == "hub":
            needs.append(WeightNeed(spec, "FLUX pose ControlNet (for the posed instances)", "controlnet", **common))
        return needs

    def controlnet_spec(self) -> str | None:
        chosen = self.options.controlnet
        if chosen == "none":
            return None
        if chosen != "auto":
            return chosen
        source = self.source().source
        if source.kind == "tiny":
            return "tiny"
        return DEV_POSE_CONTROLNET if self.source().guidance_embeds else None

    def settings_defaults(self) -> dict[str, Any]:
        return DEV_DEFAULTS if self.source().guidance_embeds else SCHNELL_DEFAULTS

    @property
    def steps(self) -> int:
        if "steps" in self.options.model_fields_set:
            return self.options.steps
        return self.settings_defaults()["steps"]

    @property
    def guidance(self) -> float:
        if "guidance" in self.options.model_fields_set:
            return self.options.guidance
        return self.settings_defaults()["guidance"]

    # -- expensive -------------------------------------------------------------------------

    def load(self, controlnet_needed: bool = False) -> None:
        from renderers.diffusion.devices import resolve_device

        from .loading import load_flux
        from .pipeline import FluxRegionalPipeline

        if self.pipeline is not None:
            return
        self.check_environment()
        self.device = resolve_device(self.options.device)
        self.dtype = _flux_dtype(self.options.dtype, self.device)
        components, self.refs = load_flux(self.source(), dtype=self.dtype, quantize=self.options.quantize,
                                          allow_pickle=self.options.allow_pickle)
        self.pipeline = FluxRegionalPipeline(components)
        self._place()

    def _place(self) -> None:
        pipe = self.pipeline.pipe
        if self.options.offload == "model":
            pipe.enable_model_cpu_offload(device=self.device)
        elif self.options.offload == "sequential":
            pipe.enable_sequential_cpu_offload(device=self.device)
        else:
            pipe.to(self.device)
        backend = self.options.attention_backend
        if backend != "auto":
            self.pipeline.transformer.set_attention_backend(backend)

    def _controlnet(self):
        from .loading import load_flux_controlnet
        from .pipeline import FluxRegionalPipeline

        spec = self.controlnet_spec()
        if spec is None:
            return None
        if self.pipeline.controlnet is None:
            if spec != "tiny":
                check_flux_controlnet(spec, transformer_text_width=self.pipeline.transformer.config.joint_attention_dim,
                                      allow_pickle=self.options.allow_pickle)
            preset = self.source().source.spec if self.source().source.kind == "tiny" else None
            controlnet, self._controlnet_ref = load_flux_controlnet(spec, preset=preset, dtype=self.dtype,
                                                                     allow_pickle=self.options.allow_pickle)
            controlnet.to(device=self.device, dtype=self.dtype)
            components = {name: getattr(self.pipeline.pipe, name) for name in
                          ("transformer", "vae", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2",
                           "scheduler")}
            self.pipeline = FluxRegionalPipeline(components, controlnet=controlnet)
        return self.pipeline.controlnet

    def render(self, scene: Scene, seeds: list[int], progress: ProgressCallback | None = None) -> list[RenderedImage]:
        from renderers.diffusion.control import pose_control_image
        from renderers.diffusion.latents import generators

        from .pipeline import FluxSettings

        # 1. Check inputs and load (once per process)
        self.check(scene)
        self.load()
        options = self.options
        control_image = pose_control_image(scene) if self.controlnet_spec() is not None else None
        if control_image is not None:
            self._controlnet()
        settings = FluxSettings(steps=self.steps, guidance=self.guidance, grounding_steps=options.grounding_steps,
                                image_binding=options.image_binding, max_sequence_length=options.max_sequence_length,
                                true_cfg=options.true_cfg, control_scale=options.control_scale)
        batches = [seeds[start:start + options.batch_size] for start in range(0, len(seeds), options.batch_size)]
        total, done = len(batches) * settings.steps, 0

        def step_done() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total)

        # 2. Denoise and decode each batch, one CPU generator per image
        images: list[RenderedImage] = []
        for batch in batches:
            drawn = self.pipeline(scene, generators(batch), settings, device=self.device, control_image=control_image,
                                  step_done=step_done)
            extras = {"control": control_image} if control_image is not None else {}
            images.extend(RenderedImage(image=image, seed=seed, extras=dict(extras))
                          for seed, image in zip(batch, drawn, strict=True))
        return images

    # -- records ---------------------------------------------------------------------------

    def resolved_options(self) -> dict[str, Any]:
        # SD-only options are left out, so a replay of this manifest does not set them.
        resolved = self.options.model_dump(mode="json", exclude=set(SD_ONLY))
        resolved.update(steps=self.steps, guidance=self.guidance)
        return resolved

    def describe(self, name: str) -> RendererRecord:
        from renderers.diffusion.devices import dtype_name

        models = [*self.refs, *([self._controlnet_ref] if self._controlnet_ref else [])]
        return RendererRecord(
            name=name, options=self.resolved_options(), models=models,
            scheduler={"name": "flow-match-euler", "config": dict(self.pipeline.pipe.scheduler.config)}
            if self.pipeline else None,
            dtype=dtype_name(self.dtype) if self.dtype else None, device=str(self.device) if self.device else None,
            details={"family": "flux", "guidance_embeds": self.source().guidance_embeds,
                     "offload": self.options.offload, "attention_backend": self.options.attention_backend},
        )


def _flux_dtype(name: str, device):
    import torch

    if name != "auto":
        return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[name]
    # FLUX.1 was trained in bfloat16; float16 overflows in its activations.
    return torch.float32 if device.type == "cpu" else torch.bfloat16


def _check_backend(backend: str) -> None:
    import importlib.util

    if backend == "xformers" and importlib.util.find_spec("xformers") is None:
        from scenes.errors import RendererUnavailable

        raise RendererUnavailable("-O attention_backend=xformers needs xformers, which is not installed",
                                  hint="pip install xformers, or leave -O attention_backend=auto.")
