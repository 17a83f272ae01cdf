"""`deig --help`, `plan`, `validate` and `schema` never import torch (nor diffusers or transformers)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import HANG_SECONDS, REPO

HEAVY = ("torch", "diffusers", "transformers", "accelerate")
PROBE = f"""
import json, sys
from deigcli.main import main
code = main(sys.argv[1:])
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def imported_by(*args: str, stdin: str = "") -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], input=stdin.encode(), capture_output=True,
                          timeout=HANG_SECONDS, cwd=REPO)
    return json.loads(proc.stderr.decode().strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("plan", "--help"),
        ("render", "--help"),
        ("schema",),
        ("schema", "--manifest"),
        ("validate", "scenes/examples/park-couple.yaml", "scenes/examples/street-batch.yaml"),
        ("validate", "scenes/examples/park-couple.yaml", "--renderer", "finecontrolnet"),
        ("validate", "scenes/examples/park-couple.yaml", "--renderer", "deig"),
        ("download", "--help"),
        ("plan", "a man in a red hat next to a woman in a yellow dress", "--planner", "rules"),
        ("plan", "--scene", "scenes/examples/tea-table.yaml", "--format", "json"),
        ("poses",),
        ("render", "--scene", "scenes/examples/park-couple.yaml", "--renderer", "preview", "-o", "{tmp}"),
    ],
    ids=lambda args: " ".join(args[:2] + args[-1:]),
)
def test_light_commands_never_import_torch(args: tuple[str, ...], tmp_path) -> None:
    result = imported_by(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result["code"] == 0
    assert result["heavy"] == []
