"""The renderer contract: a complete scene and seeds in, images out.

A renderer reads like a diffusers pipeline: `check` does every cheap test (scene limits, options,
dependencies, device) without touching weights; `load` brings the weights in once per process;
`render` draws one image per seed. Renderers are found through the `deig.renderers` entry-point
group and each declares its own `Options` model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from PIL import Image
from pydantic import BaseModel, ConfigDict

from scenes.manifest import ModelRef, RendererRecord
from scenes.model import Scene

# progress(done, total) is called after each unit of work (a denoising step, say).
ProgressCallback = Callable[[int, int], None]


class RendererOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass
class RenderedImage:
    image: Image.Image
    seed: int
    # Extra images worth keeping next to the render (e.g. the OpenPose control image), by role.
    extras: dict[str, Image.Image] = field(default_factory=dict)


class Renderer(ABC):
    name: ClassVar[str]
    description: ClassVar[str] = ""
    Options: ClassVar[type[RendererOptions]] = RendererOptions
    # The most instances this renderer can honour; more is an error, never a silent drop.
    max_instances: ClassVar[int | None] = None
    # Whether instances' identity `reference` images are honoured; a renderer that cannot refuses them.
    supports_references: ClassVar[bool] = False
    # Whether it honours instances' `concept:` (learned concepts); one that does not refuses them.
    supports_concepts: ClassVar[bool] = False

    def __init__(self, options: RendererOptions | None = None):
        self.options = options if options is not None else self.Options()
        self.loaded = False

    # -- cheap -----------------------------------------------------------------------------

    def check(self, scene: Scene) -> list[str]:
        """Validate `scene` against this renderer's limits; return warnings, raise InvalidInput."""
        from scenes.errors import InvalidInput

        scene.require_complete()
        if self.max_instances is not None and len(scene.instances) > self.max_instances:
            raise InvalidInput(
                f"the scene has {len(scene.instances)} instances; renderer '{self.name}' takes at most "
                f"{self.max_instances}",
                hint="Merge or drop instances, or use a renderer without this limit ('deig plugins').",
            )
        if any(instance.reference is not None for instance in scene.instances):
            if not self.supports_references:
                raise InvalidInput(f"renderer '{self.name}' does not use identity references",
                                   hint="Render scenes with references with the 'regional' renderer (SD-1.5 / SDXL).")
            from scenes.references import scene_references

            scene_references(scene)  # every file checked (format, size, decodable) before weights load
        with_concept = next((i for i, instance in enumerate(scene.instances) if instance.concept), None)
        if with_concept is not None and not self.supports_concepts:
            raise InvalidInput(f"instances[{with_concept}].concept: renderer '{self.name}' does not draw learned "
                               "concepts", hint="Use the regional renderer (the default) for scenes with concepts.")
        return []

    def check_environment(self) -> None:
        """Raise RendererUnavailable when dependencies, local weight files or the device are missing."""
        return None

    def weight_needs(self, scenes: list[Scene]) -> list[Any]:
        """The hub weights (`renderers.weights.WeightNeed`) a run of `scenes` needs; [] for none.

        Cheap: no network, no weights read. Whether each is cached is asked separately, so that a
        run can list every missing piece at once (and `deig validate` only note them)."""
        return []

    # -- expensive -------------------------------------------------------------------------

    def load(self) -> None:
        """Bring weights into memory; called once per process before the first render."""
        self.loaded = True

    @abstractmethod
    def render(self, scene: Scene, seeds: list[int], progress: ProgressCallback | None = None) -> list[RenderedImage]:
        """One image per seed, in order. `scene` has passed `check`."""

    # -- records ---------------------------------------------------------------------------

    def resolved_options(self) -> dict[str, Any]:
        """Every option with its value, defaults included: part of the recipe."""
        return self.options.model_dump(mode="json")

    def model_refs(self) -> list[ModelRef]:
        return []

    def describe(self) -> RendererRecord:
        """What the manifest records about this renderer (after `load`)."""
        return RendererRecord(name=self.name, options=self.resolved_options(), models=self.model_refs())
