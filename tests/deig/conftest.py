"""Fixtures for the DEIG renderer tests: offline hub, a private cache, tiny checkpoints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Our derived list of every tensor of the published checkpoint (shared/specs/deig-model-keys.json).
SPEC_KEYS = Path(__file__).with_name("deig-model-keys.json")


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny models gain nothing from threads, and on a shared 2-core machine a second thread
    spin-waiting on a busy core makes each step several times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Each test converts into its own cache, never the user's."""
    cache = tmp_path_factory.mktemp("deig-cache")
    monkeypatch.setenv("DEIG_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """A folder laid out like a download of dushy5/DEIG: model.pth (LDM names) + T5-XL/."""
    from deig_checkpoints import write_tiny_checkpoint

    return write_tiny_checkpoint(tmp_path_factory.mktemp("dushy5-DEIG-tiny"))


@pytest.fixture(scope="session")
def converted_tiny(tiny_checkpoint, tmp_path_factory) -> Path:
    from renderers.deig.weights import convert_checkpoint

    destination = tmp_path_factory.mktemp("converted") / "deig-tiny"
    convert_checkpoint(tiny_checkpoint, destination)
    return destination
