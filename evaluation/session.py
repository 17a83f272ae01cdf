"""The steps of `deig eval run` that are not about the command line: choosing evaluators, finding the
samples, checking them against the protocol, and running the scoring with a progress bar."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from scenes.errors import InvalidInput

from .benchmarks import Benchmark, Item
from .evaluators import loading
from .evaluators.tiny import TINY
from .images import renderer_summary, samples_from_folder
from .protocols.base import Protocol, Sample
from .run import Outcome, RunSettings, check_resume, evaluate


def choose_evaluators(protocol: Protocol, overrides: list[str], *, tiny: bool) -> list[loading.Choice]:
    """The protocol's evaluators, with --evaluator replacements, or the tiny preset for every role."""
    specs: dict[str, tuple[str, str | None]] = {role: (spec, None) for role, spec in protocol.roles.items()}
    for text in overrides:
        role, spec, revision = loading.parse_override(text)
        if role not in protocol.roles:
            raise InvalidInput(f"protocol '{protocol.name}' has no '{role}' evaluator",
                               hint=f"Its roles: {', '.join(protocol.roles)}.")
        specs[role] = (spec, revision)
    choices = []
    for role, (spec, revision) in specs.items():
        kind = loading.kind_of(role, protocol.roles[role] if spec == TINY else spec)
        if tiny:
            spec, revision = TINY, None
        reference = protocol.references.get(role, protocol.roles[role])
        choices.append(loading.Choice(role, spec, kind, revision, reference))
    return choices


def check_choices(choices: list[loading.Choice]) -> None:
    for choice in choices:
        loading.check(choice)


def choice_records(choices: list[loading.Choice]) -> list[dict[str, Any]]:
    return [{"role": c.role, "id": c.spec, "spec": c.spec, "kind": c.kind, "revision": c.revision,
             "reference": c.reference, "substitute": c.spec != c.reference} for c in choices]


def folder_samples(folder: Path, items: list[Item], n: int | None, *, mode: str) -> tuple[list[Sample], dict]:
    samples, rendered = samples_from_folder(folder, items, n)
    info = {"mode": mode, "folder": str(folder.resolve()), "renderers": renderer_summary(rendered),
            "found": sum(1 for s in samples if s.path), "missing": sum(1 for s in samples if not s.path)}
    return samples, info


def check_samples(protocol: Protocol, samples: list[Sample]) -> None:
    """Every sample with an image must be scorable by the protocol (exit 2 naming the first that is not)."""
    for sample in samples:
        if sample.path is None:
            continue
        problem = protocol.check(sample.item, sample.targets)
        if problem:
            raise InvalidInput(f"protocol '{protocol.name}' cannot score item {sample.item.id} "
                               f"({sample.item.prompt[:60]!r}): {problem}",
                               hint="Choose the benchmark's own protocol (deig eval list), or images whose "
                               "manifests carry the instances this protocol checks.")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("deig", "torch", "transformers", "numpy", "pillow"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def check_output_folder(output: Path, benchmark: Benchmark, protocol: Protocol, choices: list[loading.Choice],
                        images_folder: Path, *, n: int | None, force: bool) -> None:
    """Before anything is rendered or scored: the output folder must not hold another run (exit 2)."""
    settings = RunSettings(benchmark, protocol, choice_records(choices), {"folder": str(images_folder.resolve())}, n=n)
    check_resume(output, settings, force=force)


def run_scoring(benchmark: Benchmark, protocol: Protocol, choices: list[loading.Choice], samples: list[Sample],
                image_info: dict, *, n: int | None, limit: int | None, output: Path, resamples: int, device: str,
                dtype: str, force: bool, progress_factory) -> Outcome:
    device = loading.resolve_device(device)
    settings = RunSettings(benchmark, protocol, choice_records(choices), image_info, n=n, limit=limit,
                           resamples=resamples, device=device, dtype=dtype, versions=versions())
    check_resume(output, settings, force=force)
    from .files import read_journal

    todo = sum(1 for s in samples if s.key not in read_journal(output))
    with progress_factory(todo) as bar:
        return evaluate(settings, samples, lambda: loading.load(choices, device=device, dtype=dtype), output,
                        progress=lambda count: bar.advance_image(count))
