"""Samplers by name: a small explicit table from our names to diffusers scheduler classes.

A scheduler is always built from the checkpoint's own scheduler config (its beta schedule and
timestep settings), with the class and the few overrides of the chosen name. The names follow the
usual A1111 ones ("DPM++ 2M Karras" = dpm++2m-karras).
"""

from __future__ import annotations

from typing import Any

# name -> (diffusers class name, config overrides). "default" keeps the checkpoint's own scheduler.
SCHEDULERS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "default": (None, {}),
    "ddim": ("DDIMScheduler", {}),
    "ddpm": ("DDPMScheduler", {}),
    "pndm": ("PNDMScheduler", {"skip_prk_steps": True}),
    "lms": ("LMSDiscreteScheduler", {}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler-a": ("EulerAncestralDiscreteScheduler", {}),
    "heun": ("HeunDiscreteScheduler", {}),
    "dpm++2m": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": False}),
    "dpm++2m-karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "dpm++2m-sde": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++", "use_karras_sigmas": False}),
    "dpm++2m-sde-karras": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++",
                                                          "use_karras_sigmas": True}),
    "unipc": ("UniPCMultistepScheduler", {}),
}
SCHEDULER_NAMES: tuple[str, ...] = tuple(SCHEDULERS)


def make_scheduler(name: str, base_config: dict[str, Any]):
    """A fresh scheduler (they keep per-run state) for `name`, built on the checkpoint's config."""
    import diffusers

    class_name, overrides = SCHEDULERS[name]
    class_name = class_name or base_config.get("_class_name")
    if not class_name or not hasattr(diffusers, class_name):
        raise ValueError(f"the checkpoint's scheduler class {class_name!r} is not in diffusers")
    scheduler_class = getattr(diffusers, class_name)
    return scheduler_class.from_config(base_config, **overrides)


def scheduler_record(name: str, scheduler) -> dict[str, Any]:
    """What the manifest records: our name, the class and its full config (JSON-able)."""
    import json

    config = json.loads(scheduler.to_json_string())
    config.pop("_diffusers_version", None)
    return {"name": name, "class": type(scheduler).__name__, "config": config}
