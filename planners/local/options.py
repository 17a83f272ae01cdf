"""What the local planner can be told: the chat planners' options, plus the model and where it runs."""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import Field, field_validator

from planners.llm.options import ChatOptions

from .tiny import TINY_CHAT

IN_PROCESS = "in-process"


def _default_model() -> str:
    return os.environ.get("DEIG_LOCAL_MODEL", "")


class LocalOptions(ChatOptions):
    model: Annotated[str, Field(max_length=1024)] = Field(
        default_factory=_default_model, validate_default=True,
        description="A transformers chat model: hub id (e.g. Qwen/Qwen2.5-3B-Instruct) or local folder "
        f"(env DEIG_LOCAL_MODEL); '{TINY_CHAT}' is a random test model.")
    device: Annotated[str, Field(pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$")] = Field(
        default="auto", description="auto (cuda, then mps, then cpu), cpu, mps, cuda or cuda:N.")
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field(
        default="auto", description="auto: bfloat16 on GPUs that have it (else float16), float32 on the CPU.")
    quantize: Literal["none", "8bit", "4bit"] = Field(
        default="none", description="Load the model quantised with bitsandbytes (CUDA only).")
    caption_chars: Annotated[int, Field(ge=16, le=2000)] = Field(
        default=400, description="Longest caption the constrained decoder lets the model write.")
    name_chars: Annotated[int, Field(ge=4, le=64)] = Field(
        default=40, description="Longest instance name the constrained decoder lets the model write.")
    max_tokens: Annotated[int, Field(ge=64, le=65536)] = Field(
        default=6144, description="Longest reply; the decoder bounds lengths and counts so that every reply ends "
        "within it.")

    @field_validator("model")
    @classmethod
    def _named(cls, value: str) -> str:
        value = value.strip()  # empty: refused when planning starts (`transport.check_available`)
        if any(ord(ch) < 32 for ch in value):
            raise ValueError("must be a hub id or a path")
        return value

    @property
    def base_url(self) -> str:
        return IN_PROCESS

    @property
    def base_url_host(self) -> str:
        return IN_PROCESS

    def recorded(self) -> dict[str, object]:
        return {**super().recorded(), "caption_chars": self.caption_chars, "name_chars": self.name_chars,
                "quantize": self.quantize}
