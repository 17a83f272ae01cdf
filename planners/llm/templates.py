"""The system prompt: a jinja2 template rendered in a sandbox, strict about undefined variables.

The built-in template and its few-shot examples ship in `templates/`; `--template FILE` replaces
the template (not the examples, which stay available to it as `examples`). Templates see:

    task        "plan" (a prompt) or "complete" (a partial scene)
    width, height   the canvas in pixels
    poses       [{name, description}] of the pose library;  pose_names  [name, ...]
    examples    [{prompt, reply, reply_json}] rescaled to the canvas
    schema_json the reply's JSON schema, as text
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from scenes.errors import InvalidInput
from scenes.poses import POSE_NAMES, describe

from .reply import reply_json_schema

BUILTIN_TEMPLATE = "system.j2"
EXAMPLES_FILE = "examples.yaml"
EXAMPLES_CANVAS = 512
MAX_TEMPLATE_BYTES = 256 * 1024
VARIABLES = "task, width, height, poses, pose_names, examples, schema_json"


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    source: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def render(self, *, task: str, width: int, height: int) -> str:
        try:
            return _compiled(self.source).render(
                task=task, width=width, height=height,
                poses=[{"name": name, "description": describe(name)} for name in POSE_NAMES],
                pose_names=list(POSE_NAMES), examples=examples_on(width, height),
                schema_json=json.dumps(reply_json_schema(), indent=2),
            ).strip() + "\n"
        except jinja2.TemplateSyntaxError as exc:
            raise InvalidInput(f"template {self.name}, line {exc.lineno}: {exc.message}",
                               hint="Fix the template's jinja2 syntax.") from None
        except jinja2.UndefinedError as exc:
            raise InvalidInput(f"template {self.name}: {exc.message}",
                               hint=f"Templates can use: {VARIABLES}.") from None
        except jinja2.TemplateError as exc:  # SecurityError included: the sandbox refused something
            raise InvalidInput(f"template {self.name}: {exc}",
                               hint="Templates render in a sandbox: no attribute tricks, no imports.") from None


@lru_cache(maxsize=8)
def _compiled(source: str) -> jinja2.Template:
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    return env.from_string(source)


def _package_file(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def load_template(path: Path | None) -> PromptTemplate:
    if path is None:
        return PromptTemplate(name=f"built-in {BUILTIN_TEMPLATE}", source=_package_file(BUILTIN_TEMPLATE))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read template {path}: {exc.strerror or exc}",
                           hint="Give --template an existing jinja2 file.") from None
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise InvalidInput(f"template {path} is {len(raw)} bytes; the limit is {MAX_TEMPLATE_BYTES}",
                           hint="A system prompt fits in far less.")
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"template {path} is not UTF-8 text", hint="Save the template as UTF-8.") from None
    return PromptTemplate(name=path.name, source=source)


@lru_cache(maxsize=1)
def builtin_examples() -> tuple[dict[str, Any], ...]:
    """The few-shot examples on their own 512x512 canvas."""
    return tuple(yaml.safe_load(_package_file(EXAMPLES_FILE)))


def examples_on(width: int, height: int) -> list[dict[str, Any]]:
    out = []
    for example in builtin_examples():
        reply = json.loads(json.dumps(example["reply"]))
        for instance in reply["instances"]:
            x0, y0, x1, y1 = instance["box"]
            instance["box"] = [round(x0 * width / EXAMPLES_CANVAS), round(y0 * height / EXAMPLES_CANVAS),
                               round(x1 * width / EXAMPLES_CANVAS), round(y1 * height / EXAMPLES_CANVAS)]
        out.append({"prompt": example["prompt"], "reply": reply,
                    "reply_json": json.dumps(reply, ensure_ascii=False)})
    return out


def plan_user_message(prompt: str) -> str:
    return f"Description: {prompt}"


def complete_user_message(partial: dict[str, Any]) -> str:
    return "Complete this scene:\n" + json.dumps(partial, ensure_ascii=False, indent=1)
