"""The local planner: any transformers chat model, in this process, with replies valid by construction.

It is the llm planner (same system template, examples, re-asks, repairs, cache and manifest record)
with the HTTP transport swapped for `transport.LocalChatTransport`: the model runs here, and its
replies are decoded against the plan's JSON schema (llguidance) with boxes kept valid on the canvas.
"""

from __future__ import annotations

from planners.base import Canvas, PlanResult
from planners.llm.planner import LLMPlanner
from scenes.model import Scene

from .options import LocalOptions
from .transport import LocalChatTransport, check_available, loaded_models, release_models

ROOM_FOR_RENDERER = 12 * 1024**3

__all__ = ["LocalOptions", "LocalPlanner", "release_models"]


class LocalPlanner(LLMPlanner):
    name = "local"
    description = ("A transformers chat model in this process (any hub id or folder), decoding replies "
                   "against the plan's schema so that every reply is a valid plan.")
    Options = LocalOptions

    def _transport_ready(self) -> LocalChatTransport:
        if self._transport is None:
            check_available(self.options, self.options.mode)
            self._transport = LocalChatTransport(self.options)
        return self._transport

    def plan(self, prompt: str, *, canvas: Canvas, seed: int | None = None) -> PlanResult:
        self._transport_ready().canvas = (canvas.width, canvas.height)
        return super().plan(prompt, canvas=canvas, seed=seed)

    def complete(self, scene: Scene) -> PlanResult:
        self._transport_ready().canvas = (scene.width, scene.height)
        return super().complete(scene)

    def release(self, *, low_memory: bool = False) -> bool:
        """Free the chat model before a renderer loads: always with --low-memory, else when the GPU it
        sits on has less than `ROOM_FOR_RENDERER` bytes free (a SDXL or FLUX render needs about that)."""
        if not loaded_models():
            return False
        if low_memory or _gpu_short_of(ROOM_FOR_RENDERER):
            release_models()
            return True
        return False


def _gpu_short_of(needed: int) -> bool:
    devices = {loaded.device for loaded in loaded_models()}
    for device in devices:
        if getattr(device, "type", None) == "cuda":
            import torch

            free, _ = torch.cuda.mem_get_info(device)
            if free < needed:
                return True
    return False
