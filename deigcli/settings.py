"""The command-line flags of `plan` and `render`, gathered into validated settings at the boundary.

A command turns its flags into one of these objects first thing; everything after it reads the
settings, never the loose flag values. Invalid values become one `Error:` naming the flag.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planners.base import Canvas
from scenes.errors import InvalidInput
from scenes.model import MAX_SEED, MAX_SIDE, MIN_SIDE

from .options import parse_assignments

DEFAULT_SIDE = 512
Side = Annotated[int, Field(ge=MIN_SIDE, le=MAX_SIDE)]

# The flag each field comes from, where it is not simply --field-name.
FLAG_NAMES = {"options": "-O/--option", "output": "-o/--output", "as_json": "--json", "planner_options": "-P/--planner-option"}

# Renderer options that have their own flag; a renderer without such an option leaves the flag unused.
DEDICATED_RENDER_FLAGS = ("model", "steps", "guidance", "scheduler", "device", "dtype", "offload", "max_batch",
                          "allow_pickle")


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def from_flags(cls, **values: Any) -> Any:
        """The settings for these flag values, or InvalidInput naming the first bad flag."""
        try:
            return cls.model_validate({key: value for key, value in values.items() if value is not None})
        except ValidationError as exc:
            problems = [f"{_flag(err['loc'])} {err['msg'].removeprefix('Value error, ')}"
                        for err in exc.errors(include_url=False)]
            raise InvalidInput(problems[0], details=problems[1:], hint="Run the command with --help for its flags.") \
                from None


def _flag(loc: tuple[Any, ...]) -> str:
    name = str(loc[0]) if loc else "flags"
    return FLAG_NAMES.get(name, "--" + name.replace("_", "-"))


class PlannerSettings(_Settings):
    """How prompts become scenes: the planner, its options, and the canvas."""

    planner: str | None = None
    llm_model: str | None = None
    llm_base_url: str | None = None
    template: str | None = None
    no_cache: bool = False
    reasks: Annotated[int | None, Field(ge=0, le=10)] = None
    planner_options: list[str] = Field(default_factory=list)
    width: Side | None = None  # None: 512 for planned prompts, the scene's own for scene files
    height: Side | None = None
    seed: Annotated[int | None, Field(ge=0, le=MAX_SEED)] = None
    keep_going: bool = False

    @field_validator("width", "height")
    @classmethod
    def _multiple_of_8(cls, value: int | None) -> int | None:
        if value is not None and value % 8:
            raise ValueError(f"must be a multiple of 8 (got {value}; try {round(value / 8) * 8})")
        return value

    @field_validator("planner_options")
    @classmethod
    def _assignments(cls, value: list[str]) -> list[str]:
        parse_assignments(value, "-P/--planner-option")  # KEY=VALUE form, checked now
        return value

    @property
    def canvas(self) -> Canvas:
        # With neither side given the planner may shape the canvas to the scene (a row of people: wider).
        given = self.width is not None or self.height is not None
        return Canvas(self.width or DEFAULT_SIDE, self.height or DEFAULT_SIDE, given=given)

    def size_override(self) -> dict[str, int]:
        """The sides given on the command line: they replace a scene file's own."""
        return {side: value for side, value in (("width", self.width), ("height", self.height)) if value is not None}

    def option_values(self) -> dict[str, Any]:
        values = parse_assignments(self.planner_options, "-P/--planner-option")
        given = {"model": self.llm_model, "base_url": self.llm_base_url, "template": self.template,
                 "max_reasks": self.reasks}
        values.update({k: v for k, v in given.items() if v is not None})
        if self.no_cache:
            values["cache"] = False
        return values

    def wants_llm(self) -> bool:
        return any(v is not None for v in (self.llm_model, self.llm_base_url, self.template, self.reasks))


class RenderSettings(_Settings):
    """How scenes become files: the renderer, its options, and the output."""

    renderer: str | None = None
    model: str | None = None
    steps: Annotated[int | None, Field(ge=1, le=1000)] = None
    guidance: Annotated[float | None, Field(ge=0.0, le=50.0)] = None
    scheduler: str | None = None
    device: str | None = None
    dtype: str | None = None
    offload: str | None = None
    max_batch: Annotated[int | None, Field(ge=1)] = None
    allow_pickle: bool = False
    options: list[str] = Field(default_factory=list)
    count: Annotated[int | None, Field(ge=1, le=1000)] = None
    output: Path = Path("deig-out")
    force: bool = False
    as_json: bool = False
    dry_run: bool = False
    grid: bool = False
    download: bool = False  # fetch missing openly licensed weights without asking
    planning: PlannerSettings = Field(default_factory=PlannerSettings)

    @field_validator("options")
    @classmethod
    def _assignments(cls, value: list[str]) -> list[str]:
        parse_assignments(value, "-O/--option")
        return value

    @field_validator("output")
    @classmethod
    def _output(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} exists and is not a folder")
        if "\x00" in os.fspath(value):
            raise ValueError("contains a NUL byte")
        return value

    @property
    def seed(self) -> int | None:
        return self.planning.seed

    @property
    def keep_going(self) -> bool:
        return self.planning.keep_going

    def given_options(self) -> dict[str, Any]:
        """The renderer options set by their own flags (those not given are absent)."""
        values = {name: getattr(self, name) for name in DEDICATED_RENDER_FLAGS if name != "allow_pickle"}
        values = {k: v for k, v in values.items() if v is not None}
        if self.allow_pickle:
            values["allow_pickle"] = True
        return values
