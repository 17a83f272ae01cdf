"""`deig doctor`: is this machine ready to plan and render? One line per check, with its status."""

from __future__ import annotations

import json
import os
import platform
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Annotated

import typer

from .. import console, distributed, registry
from ..artifacts import deig_version
from ..planning import LLM_ENVIRONMENT

OK, INFO, WARN, FAIL = "ok", "info", "warn", "fail"
ENDPOINT_TIMEOUT_S = 3.0
KEY_VARIABLES = ("DEIG_LLM_API_KEY", "OPENAI_API_KEY")
BASE_URL_VARIABLES = ("DEIG_LLM_BASE_URL", "OPENAI_BASE_URL")
OPENAI_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Check:
    check: str
    status: str
    detail: str


def _gib(size: float) -> str:
    return f"{size / 2**30:.1f} GiB"


def check_versions() -> Iterator[Check]:
    yield Check("deig", OK, f"{deig_version()} on Python {platform.python_version()} ({platform.platform()})")
    try:
        from packaging.requirements import Requirement
    except ImportError:  # packaging comes with the hub libraries; without it, versions are listed unchecked
        Requirement = None  # noqa: N806
    for line in metadata.requires("deig") or []:
        if "extra ==" in line:
            continue
        name = line.split(";")[0].strip()
        requirement = Requirement(name) if Requirement else None
        package = requirement.name if requirement else name.split(">")[0].split("<")[0].split("=")[0]
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            yield Check(package, FAIL, f"not installed (deig needs {name})")
            continue
        if requirement is not None and not requirement.specifier.contains(version, prereleases=True):
            yield Check(package, FAIL, f"{version} installed; deig needs {requirement.specifier}")
        else:
            yield Check(package, OK, version)


def check_devices() -> Iterator[Check]:
    cores = os.cpu_count() or 0
    try:
        memory = _gib(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        memory = "memory unknown"
    yield Check("cpu", OK, f"{cores} cores, {memory}")
    try:
        import torch
    except ImportError as exc:
        yield Check("torch", FAIL, f"cannot be imported: {exc}")
        return
    found = False
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            found = True
            name = torch.cuda.get_device_name(index)
            try:
                free, total = torch.cuda.mem_get_info(index)
                memory = f"{_gib(free)} free of {_gib(total)}"
            except RuntimeError as exc:
                memory = f"memory unreadable: {exc}"
            yield Check(f"cuda:{index}", OK, f"{name}, {memory}")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found = True
        yield Check("mps", OK, "Apple GPU available")
    if not found:
        yield Check("gpu", WARN, "none found: diffusion renderers run on the CPU (slow); "
                    "--renderer preview and --dry-run need no GPU")
    if distributed.launched():
        yield Check("launcher", INFO, f"started by a distributed launcher (WORLD_SIZE={os.environ.get('WORLD_SIZE')})")


def check_plugins() -> Iterator[Check]:
    for kind in ("planner", "renderer"):
        for name, (info, _) in sorted(registry.plugins(kind).items()):
            where = "built in" if info.builtin else f"from {info.distribution} {info.version}"
            try:
                registry.load(kind, name)
            except Exception as exc:  # noqa: BLE001 - report a broken plugin, keep checking the rest
                yield Check(f"{kind} {name}", FAIL, f"cannot be loaded ({where}): {getattr(exc, 'message', exc)}")
            else:
                yield Check(f"{kind} {name}", OK, where)


def check_models() -> Iterator[Check]:
    try:
        from huggingface_hub import scan_cache_dir
        from huggingface_hub.constants import HF_HUB_CACHE
    except ImportError as exc:
        yield Check("model cache", FAIL, f"huggingface_hub cannot be imported: {exc}")
        return
    try:
        cache = scan_cache_dir()
        repos = {repo.repo_id: repo for repo in cache.repos if repo.repo_type == "model"}
    except Exception:  # noqa: BLE001 - a missing or unreadable cache is simply empty here
        repos = {}
    yield Check("model cache", INFO, f"{HF_HUB_CACHE}: {len(repos)} model(s)"
                + (" (HF_HUB_OFFLINE is set: nothing will be downloaded)" if os.environ.get("HF_HUB_OFFLINE") else ""))
    for repo_id, repo in sorted(repos.items()):
        yield Check(f"model {repo_id}", OK, f"cached, {_gib(repo.size_on_disk)}, {len(repo.revisions)} revision(s)")


# A posed scene: what a renderer needs for people with poses includes the OpenPose ControlNet.
_POSED = {"caption": "a person", "width": 512, "height": 512,
          "instances": [{"name": "person", "caption": "a person", "box": [0.2, 0.1, 0.8, 0.95], "pose": "standing"}]}


def check_weights() -> Iterator[Check]:
    """For each installed renderer, with its default options: the hub weights it needs and their state."""
    from renderers.weights import download_command, unique
    from scenes.model import Scene

    scene = Scene.model_validate(_POSED)
    for name in sorted(registry.plugins("renderer")):
        try:
            renderer = registry.load("renderer", name)()
            needs = unique(renderer.weight_needs([scene]))
        except Exception:  # noqa: BLE001 - a broken plugin is reported by check_plugins
            continue
        if name == "deig" or any(need.then for need in needs):
            yield _deig_weights(renderer, needs)
            continue
        if not needs:
            yield Check(f"weights {name}", OK, "none needed" if name == "preview" else "local files only")
            continue
        states = [(need, need.here) for need in needs]
        parts = [f"{need.role} {need.repo_id}: {'downloaded' if here else 'not downloaded'}"
                 for need, here in states]
        missing = [need for need, here in states if not here]
        if missing:
            parts.append(f"get them with `{download_command(missing)}`")
        yield Check(f"weights {name}", WARN if missing else OK, "; ".join(parts))
    yield from _flux_weights()


FLUX_MODELS = (("black-forest-labs/FLUX.1-schnell", "Apache-2.0"),
               ("black-forest-labs/FLUX.1-dev", "FLUX.1 [dev] Non-Commercial License, gated: needs --accept-license"))


def _flux_weights() -> Iterator[Check]:
    """FLUX.1 with the regional renderer: whether each variant is here, and under which licence."""
    from renderers.weights import WeightNeed

    for repo_id, licence in FLUX_MODELS:
        here = WeightNeed(repo_id, "FLUX.1 model", "pipeline").here
        where = "downloaded" if here else f"not downloaded (`deig download {repo_id}`)"
        yield Check(f"weights regional {repo_id.split('/')[1]}", INFO, f"--model {repo_id}: {where}; licence {licence}")


def _deig_weights(renderer, needs) -> Check:
    location = renderer.location()
    if not needs:
        where = location.converted if location.converted is not None else location.value
        return Check("weights deig", OK, f"{location.value}: converted ({where})")
    [need] = needs
    if need.here:
        return Check("weights deig", WARN, f"{need.repo_id}: downloaded, not converted yet: run `{need.then}` once")
    return Check("weights deig", WARN, f"{need.repo_id}: not downloaded (licence not stated); "
                 f"`deig download {need.repo_id} --accept-license`, then `{need.then}`")


def _public_url(url: str) -> str:
    """scheme://host[:port]/path, without any user:password@ part."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_llm() -> Iterator[Check]:
    if not any(os.environ.get(name) for name in LLM_ENVIRONMENT + BASE_URL_VARIABLES):
        yield Check("llm endpoint", INFO, "none configured: planning uses the offline 'rules' planner "
                    "(set DEIG_LLM_BASE_URL or OPENAI_API_KEY to plan with an LLM)")
        return
    base = next((os.environ[name] for name in BASE_URL_VARIABLES if os.environ.get(name)), OPENAI_BASE_URL)
    shown = _public_url(base)
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        yield Check("llm endpoint", FAIL, f"{shown} is not an http(s) URL")
        return
    request = urllib.request.Request(shown.rstrip("/") + "/models", headers={"Accept": "application/json"})
    key = next((os.environ[name] for name in KEY_VARIABLES if os.environ.get(name)), None)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=ENDPOINT_TIMEOUT_S) as response:  # noqa: S310 - http(s) only
            body = json.loads(response.read(4 * 2**20) or b"{}")
    except urllib.error.HTTPError as exc:
        reason = "the key was refused" if exc.code in (401, 403) else f"HTTP {exc.code}"
        yield Check("llm endpoint", FAIL, f"{shown} answers, but {reason}")
        return
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        yield Check("llm endpoint", FAIL, f"{shown} does not answer within {ENDPOINT_TIMEOUT_S:.0f} s: {reason}")
        return
    models = [item.get("id") for item in body.get("data", []) if isinstance(item, dict)] if isinstance(body, dict) else []
    yield Check("llm endpoint", OK, f"{shown} answers ({len(models)} model(s))")
    wanted = os.environ.get("DEIG_LLM_MODEL")
    if wanted and models:
        if wanted in models:
            yield Check("llm model", OK, f"{wanted} is served")
        else:
            yield Check("llm model", WARN, f"{wanted} is not among the served models: {', '.join(models[:5])}")


CHECKS = (check_versions, check_devices, check_plugins, check_models, check_weights, check_llm)


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record per check.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Silence every library's output.")] = False,
) -> int:
    """Check this machine: versions, devices, plugins, cached models, each renderer's weights, the LLM endpoint.

    Prints one line per check with its status (ok, info, warn, fail); exits 0 when nothing fails.
    The LLM endpoint is asked only when one is configured; the key is never printed.

    Examples:

      deig doctor

      deig doctor --json | jq 'select(.status == "fail")'
    """
    console.set_quiet(quiet)
    failures = 0
    for run_check in CHECKS:
        for check in run_check():
            failures += check.status == FAIL
            if as_json:
                console.emit(json.dumps(asdict(check), ensure_ascii=False))
            else:
                console.emit(f"{check.status:<5} {check.check}: {check.detail}")
    if failures:
        print(f"{failures} check(s) failed.", file=sys.stderr)
    return 1 if failures else 0
