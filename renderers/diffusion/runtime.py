"""`DiffusionRenderer`: what every Stable Diffusion based renderer does the same way.

Cheap checks (dependencies, device, offload, model source) in `check_environment`; one `load` per
process (device, dtype, components, placement); ControlNets loaded on first use; schedulers built
fresh per render from the checkpoint's config; the manifest record (models with revisions,
scheduler config, dtype, device). Subclasses add their Options fields and write `render`.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Any, ClassVar

from renderers.base import Renderer
from scenes.errors import InvalidInput, RendererUnavailable
from scenes.manifest import ModelRef, RendererRecord

from .options import DiffusionOptions
from .schedulers import make_scheduler, scheduler_record
from .sources import ModelSource, cached_file
from .tiny import TINY_PRESETS

REQUIRED_MODULES = ("torch", "diffusers", "transformers", "safetensors", "accelerate", "huggingface_hub")


def check_dependencies(renderer: str) -> None:
    """Exit 4, naming them, when modules every diffusion renderer needs are not installed (nothing imported)."""
    missing = [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise RendererUnavailable(f"renderer '{renderer}' needs {', '.join(missing)}, which "
                                  f"{'is' if len(missing) == 1 else 'are'} not installed",
                                  hint="Install deig with its dependencies: pip install deig")


class DiffusionRenderer(Renderer):
    Options: ClassVar[type[DiffusionOptions]] = DiffusionOptions
    options: DiffusionOptions
    # Renderers that also draw FLUX.1 models say so; the others refuse them before loading anything.
    supports_flux: ClassVar[bool] = False

    def __init__(self, options: DiffusionOptions | None = None):
        super().__init__(options)
        self.components = None
        self.device = None
        self.dtype = None
        self.placement = None
        self._controlnets: dict[str, tuple[Any, ModelRef]] = {}
        self._used_controlnets: list[str] = []

    # -- cheap -----------------------------------------------------------------------------

    def check_environment(self) -> None:
        check_dependencies(self.name)
        from .devices import check_offload, resolve_device
        from .loading import check_model

        if not self.supports_flux:
            from renderers.flux.sources import is_flux

            if is_flux(self.options.model):
                raise InvalidInput(f"renderer '{self.name}' draws Stable Diffusion models; '{self.options.model}' "
                                   "is a FLUX.1", hint="Use --renderer regional for FLUX.1 models.")
        check_offload(self.options.offload, resolve_device(self.options.device))
        check_model(self.options.model, allow_pickle=self.options.allow_pickle)

    def model_family(self) -> str:
        """sd15 or sdxl, known without loading weights (reads model_index.json or a file header)."""
        if self.components is not None:
            return self.components.family
        from .loading import check_model, single_file_family

        source = check_model(self.options.model, allow_pickle=self.options.allow_pickle)
        if source.kind == "tiny":
            return TINY_PRESETS[source.spec]
        if source.kind == "file":
            return single_file_family(source.path)
        index = _cheap_model_index(source)
        if index is None:
            return guessed_family(source.spec) if source.kind == "hub" else "sd15"
        return "sdxl" if "text_encoder_2" in index else "sd15"

    # -- expensive -------------------------------------------------------------------------

    def load(self) -> None:
        if self.loaded:
            return
        from .devices import check_offload, resolve_device, resolve_dtype
        from .loading import load_components, vae_dtype
        from .offload import Placement

        self.check_environment()
        self.device = resolve_device(self.options.device)
        self.dtype = resolve_dtype(self.options.dtype, self.device)
        check_offload(self.options.offload, self.device)
        components = load_components(self.options.model, dtype=self.dtype, allow_pickle=self.options.allow_pickle)
        for module in [components.unet, *components.text_encoders]:
            _cast(module, self.dtype)
        _cast(components.vae, vae_dtype(components.family, self.dtype))
        for module in [components.unet, components.vae, *components.text_encoders]:
            module.eval().requires_grad_(False)
        self.placement = Placement(self.options.offload, self.device, components.text_encoders,
                                   components.unet, components.vae)
        self.components = components
        self.loaded = True

    def controlnet_spec(self) -> str:
        """The ControlNet for poses: the `controlnet` option, or the family's default for 'auto'."""
        from .loading import default_controlnet
        from .sources import parse_source

        chosen = self.options.controlnet  # type: ignore[attr-defined]  # on renderers that take poses
        if chosen != "auto":
            return chosen
        return default_controlnet(self.model_family(), parse_source(self.options.model))

    def check_controlnet(self) -> None:
        """Cheap: the pose ControlNet can be had and fits the model (no weights are read)."""
        from .loading import check_controlnet
        from .sources import parse_source

        source = check_controlnet(self.controlnet_spec(), allow_pickle=self.options.allow_pickle)
        if source.kind == "tiny" and parse_source(self.options.model).kind != "tiny":
            raise InvalidInput("the tiny ControlNet only fits the tiny models",
                               hint="Leave the controlnet option at 'auto', or use --model tiny.")

    def weight_needs(self, scenes) -> list:
        """The hub models this renderer needs for `scenes`: the base model, the ControlNet if one is posed."""
        from renderers.weights import WeightNeed

        from .sources import parse_source

        common = dict(dtype=self.options.dtype, device=self.options.device, allow_pickle=self.options.allow_pickle)
        needs = []
        if parse_source(self.options.model).kind == "hub":
            needs.append(WeightNeed(self.options.model, "base model", "pipeline", **common))
        if any(instance.pose is not None for scene in scenes for instance in scene.instances) \
                and getattr(self.options, "controlnet", "none") != "none":
            spec = self.controlnet_spec()
            if parse_source(spec).kind == "hub":
                needs.append(WeightNeed(spec, "OpenPose ControlNet (for the posed instances)", "controlnet", **common))
        return needs

    def controlnet(self, spec: str):
        """A ControlNet, loaded once per process and placed like the rest of the model."""
        from .loading import load_controlnet

        if spec not in self._controlnets:
            if spec in TINY_PRESETS and self.components.source.kind != "tiny":
                raise InvalidInput("the tiny ControlNet only fits the tiny models",
                                   hint="Use --model tiny, or leave the controlnet option at 'auto'.")
            controlnet, ref = load_controlnet(spec, self.components.family, dtype=self.dtype,
                                              allow_pickle=self.options.allow_pickle)
            _cast(controlnet, self.dtype)
            controlnet.eval().requires_grad_(False)
            self.placement.add_controlnet(controlnet)
            self._controlnets[spec] = (controlnet, ref)
        if spec not in self._used_controlnets:
            self._used_controlnets.append(spec)
        return self._controlnets[spec][0]

    def new_scheduler(self):
        return make_scheduler(self.options.scheduler, dict(self.components.scheduler_config))

    @property
    def execution_device(self):
        return self.device

    # -- records ---------------------------------------------------------------------------

    def model_refs(self) -> list[ModelRef]:
        if self.components is None:
            return []
        return [*self.components.refs, *(self._controlnets[spec][1] for spec in self._used_controlnets)]

    def describe(self) -> RendererRecord:
        from .devices import dtype_name

        if self.components is None:
            return super().describe()
        return RendererRecord(
            name=self.name,
            options=self.resolved_options(),
            models=self.model_refs(),
            scheduler=scheduler_record(self.options.scheduler, self.new_scheduler()),
            dtype=dtype_name(self.dtype),
            device=str(self.device),
            details={"family": self.components.family, "offload": self.options.offload},
        )


def _cast(module, dtype) -> None:
    # Only when needed: diffusers warns on every dtype cast with .to().
    if module.dtype != dtype:
        module.to(dtype=dtype)


def _cheap_model_index(source: ModelSource) -> dict[str, Any] | None:
    """model_index.json of a folder or a cached hub model; None when it is not here (nothing is fetched)."""
    path = source.path / "model_index.json" if source.path is not None else cached_file(source.spec, "model_index.json")
    if path is None or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def guessed_family(repo_id: str) -> str:
    """The family of a hub model that is not downloaded yet, from its name (SDXL ids say 'xl')."""
    return "sdxl" if "xl" in repo_id.split("/")[-1].lower() else "sd15"
