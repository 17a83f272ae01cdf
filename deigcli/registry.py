"""Planners and renderers, found through entry points (the built-ins travel the same road).

Only the selected plugin's module is imported, so `deig plan` never imports a GPU renderer.
DEIG_LOAD_PLUGINS limits third-party plugins: unset = all installed, "" = only deig's own,
"a,b" = deig's own plus those distributions.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from scenes.errors import InvalidInput, RendererUnavailable

GROUPS = {"planner": "deig.planners", "renderer": "deig.renderers"}
OWN_DISTRIBUTION = "deig"


@dataclass(frozen=True)
class PluginInfo:
    kind: str
    name: str
    value: str
    distribution: str
    version: str

    @property
    def builtin(self) -> bool:
        return self.distribution == OWN_DISTRIBUTION


def _allowed(distribution: str) -> bool:
    setting = os.environ.get("DEIG_LOAD_PLUGINS")
    if setting is None or distribution == OWN_DISTRIBUTION:
        return True
    return distribution in {part.strip() for part in setting.split(",") if part.strip()}


def plugins(kind: str) -> dict[str, tuple[PluginInfo, metadata.EntryPoint]]:
    """name -> (info, entry point); a built-in wins over a third-party plugin of the same name."""
    found: dict[str, tuple[PluginInfo, metadata.EntryPoint]] = {}
    for ep in metadata.entry_points(group=GROUPS[kind]):
        dist = ep.dist.name if ep.dist is not None else "?"
        version = ep.dist.version if ep.dist is not None else "?"
        if not _allowed(dist):
            continue
        info = PluginInfo(kind, ep.name, ep.value, dist, version)
        if ep.name in found and found[ep.name][0].builtin and not info.builtin:
            continue
        found[ep.name] = (info, ep)
    return found


def load(kind: str, name: str) -> Any:
    """The plugin class registered as `name`."""
    available = plugins(kind)
    if name not in available:
        close = difflib.get_close_matches(name, list(available), n=1)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        raise InvalidInput(
            f"unknown {kind} '{name}'",
            hint=f"{hint}Installed {kind}s: {', '.join(sorted(available)) or 'none'} ('deig plugins' lists them).",
        )
    info, ep = available[name]
    try:
        return ep.load()
    except ImportError as exc:
        raise RendererUnavailable(
            f"{kind} '{name}' cannot be imported: {exc}",
            hint=f"Reinstall '{info.distribution}' with its dependencies, or pick another {kind}.",
        ) from None


def describe(kind: str, name: str) -> str:
    try:
        cls = load(kind, name)
    except Exception:  # noqa: BLE001 - listing must not fail because one plugin is broken
        return "(failed to load)"
    return getattr(cls, "description", "") or ""
