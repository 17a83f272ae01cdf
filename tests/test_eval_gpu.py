"""On a CUDA machine with network access: the one command that scores deig's renderers and fusion modes
on GenEval and the LMD benchmark with the real evaluators (benchmarks/eval_renderers.py), on a few
prompts. Selected with `python -m pytest -m gpu`; it downloads weights into the user's own cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

USER_ENVIRONMENT = dict(os.environ)  # before the per-test isolation (offline hub, temporary caches)


@pytest.mark.gpu
def test_score_renderers_and_modes_on_geneval_and_lmd_with_real_evaluators(tmp_path):
    import torch

    if not torch.cuda.is_available():
        pytest.fail("the gpu tests need CUDA")
    command = [sys.executable, "benchmarks/eval_renderers.py", "--device", "cuda", "--limit", "2", "--n", "1",
               "--modes", "plain-sd15,regional", "--out", str(tmp_path)]
    done = subprocess.run(command, cwd=REPO, env=USER_ENVIRONMENT, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["geneval", "plain-sd15"], ["geneval", "regional"],
                                                        ["lmd", "plain-sd15"], ["lmd", "regional"]]
    assert all("vs plain SD" in line for line in lines if "regional" in line.split("\t")[1])
    for bench in ("geneval", "lmd"):
        run = json.loads((tmp_path / f"{bench}-regional" / "run.json").read_text())
        assert all(e["revision"] for e in run["evaluators"])  # hub commits recorded
        assert run["images"]["renderers"][0]["name"] == "regional"
        summary = json.loads((tmp_path / f"{bench}-regional" / "summary.json").read_text())
        # LMD's OWL-ViT is the reference evaluator; GenEval's detector is a substitute until calibrated
        assert summary["comparable"] is (bench == "lmd")
