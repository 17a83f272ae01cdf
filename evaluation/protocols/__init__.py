"""The protocols by name."""

from __future__ import annotations

from scenes.errors import InvalidInput

from .base import Protocol
from .cio import CioProtocol
from .deig_bench import DeigBenchProtocol
from .geneval import GenEvalProtocol
from .lmd import LmdProtocol
from .mig import MigProtocol
from .t2i import T2iBvqaProtocol

PROTOCOLS: dict[str, type[Protocol]] = {cls.name: cls for cls in (
    MigProtocol, DeigBenchProtocol, CioProtocol, GenEvalProtocol, LmdProtocol, T2iBvqaProtocol)}


def get(name: str) -> Protocol:
    if name not in PROTOCOLS:
        raise InvalidInput(f"unknown protocol '{name}'", hint=f"Choose one of {', '.join(PROTOCOLS)}.")
    return PROTOCOLS[name]()
