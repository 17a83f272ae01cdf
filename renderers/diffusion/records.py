"""What the manifest says about the weights: hub commits, or sha256 digests of local weights.

A hub model is recorded with the commit of the cached snapshot it was loaded from; a local folder
or file with `sha256:` of its weights (for a folder: of the sorted list of its weight files'
digests), so a manifest tells exactly which weights drew an image. The tiny preset's weights are
built in-process and hashed from their tensors.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from scenes.manifest import ModelRef

from .sources import WEIGHT_SUFFIXES, ModelSource, snapshot_revision

_CHUNK = 1 << 22


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def folder_sha256(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES)):
        digest.update(f"{path.relative_to(folder).as_posix()}\0{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def modules_sha256(*modules) -> str:
    """Digest of the parameters and buffers of in-memory modules (the tiny preset)."""
    digest = hashlib.sha256()
    for module in modules:
        for name, tensor in module.state_dict().items():
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def model_ref(role: str, source: ModelSource, *, index_file: str, modules=()) -> ModelRef:
    if source.kind == "hub":
        return ModelRef(role=role, id=source.spec, revision=snapshot_revision(source.spec, index_file))
    if source.kind == "tiny":
        return ModelRef(role=role, id=source.spec, revision="sha256:" + modules_sha256(*modules))
    assert source.path is not None
    resolved = source.path.resolve()
    digest = file_sha256(resolved) if resolved.is_file() else folder_sha256(resolved)
    return ModelRef(role=role, id=str(resolved), revision="sha256:" + digest)
