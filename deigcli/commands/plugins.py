"""`deig plugins`: the planners and renderers installed, built-ins included."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .. import console, registry


def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record per plugin.")] = False,
) -> None:
    """List installed planners and renderers (entry points 'deig.planners' and 'deig.renderers')."""
    for kind in ("planner", "renderer"):
        for name, (info, _) in sorted(registry.plugins(kind).items()):
            description = registry.describe(kind, name)
            if as_json:
                console.emit(json.dumps({"kind": kind, "name": name, "value": info.value,
                                         "distribution": info.distribution, "version": info.version,
                                         "builtin": info.builtin, "description": description}))
            else:
                console.emit(f"{kind}\t{name}\t{info.distribution} {info.version}\t{description}")
