"""Shared pieces of the DEIG renderer tests.

The suite-wide tests/conftest.py already isolates every test (HF_HUB_OFFLINE=1, DEIG_CACHE_DIR in a
temporary folder). This module adds one torch thread (an autouse fixture, imported by each test
module) and tiny checkpoints in the published layout, built once per session.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import pytest

# Our derived list of every tensor of the published checkpoint (a copy of shared/specs/deig-model-keys.json).
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


@functools.cache
def _session_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="deig-tests-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.cache
def tiny_checkpoint_dir() -> Path:
    """A folder laid out like a download of dushy5/DEIG: model.pth (LDM names) + T5-XL/."""
    from deig_checkpoints import write_tiny_checkpoint

    return write_tiny_checkpoint(_session_folder() / "dushy5-DEIG-tiny")


@functools.cache
def converted_tiny_dir() -> Path:
    from renderers.deig.weights import convert_checkpoint

    destination = _session_folder() / "converted-tiny"
    convert_checkpoint(tiny_checkpoint_dir(), destination)
    return destination
