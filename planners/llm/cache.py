"""Plans kept on disk, so that the same request re-plans for free and gives the same scene.

The key covers everything that shapes the request: model, base URL, template hash, the prompt
(or the partial scene), the canvas, temperature, seed and the rendered messages themselves. An
entry holds the finished scene and the planner record, never the API key (the record is built
from redacted replies and carries no credentials). Entries are written to a temporary file and
renamed, so a crash never leaves half an entry; an unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scenes.manifest import PlannerRecord
from scenes.model import Scene

CACHE_FORMAT = 1


def cache_key(fields: dict[str, Any]) -> str:
    blob = json.dumps({"format": CACHE_FORMAT, **fields}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class PlanCache:
    def __init__(self, directory: Path):
        self.directory = directory

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> tuple[Scene, PlannerRecord] | None:
        try:
            entry = json.loads(self.path(key).read_text(encoding="utf-8"))
            if entry.get("format") != CACHE_FORMAT or entry.get("key") != key:
                return None
            return Scene.model_validate(entry["scene"]), PlannerRecord.model_validate(entry["record"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, ValidationError):
            return None

    def put(self, key: str, scene: Scene, record: PlannerRecord) -> str | None:
        """Store an entry; returns why it could not be stored (a note for the user), else None."""
        entry = {"format": CACHE_FORMAT, "key": key, "scene": scene.to_document(),
                 "record": record.model_dump(mode="json")}
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(entry, handle, ensure_ascii=False, indent=1)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            # A cache that cannot be written only costs a re-plan next time; the plan itself is fine.
            return f"could not store the plan in the cache at {self.directory}: {exc.strerror or exc}"
        return None
