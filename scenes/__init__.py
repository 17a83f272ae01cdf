"""The domain: scenes, instances, poses, manifests, their files, geometry and drawing of poses."""

from .errors import (
    DeigError,
    InvalidInput,
    Issue,
    PlannerError,
    RendererUnavailable,
    RenderFailed,
    SceneInvalid,
)
from .io import LoadedScene, dump_scene, dump_scenes, load_scene_file, load_scenes, scene_from_data
from .manifest import Manifest, PlannerRecord, RendererRecord, Repair
from .model import Instance, PoseKeypoints, RenderSettings, Scene

__all__ = [
    "DeigError", "InvalidInput", "Issue", "PlannerError", "RendererUnavailable", "RenderFailed", "SceneInvalid",
    "LoadedScene", "dump_scene", "dump_scenes", "load_scene_file", "load_scenes", "scene_from_data",
    "Manifest", "PlannerRecord", "RendererRecord", "Repair",
    "Instance", "PoseKeypoints", "RenderSettings", "Scene",
]  # fmt: skip
