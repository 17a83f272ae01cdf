"""Silence transformers' import-time warnings that say nothing to a deig user."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def quiet_transformers():
    """transformers logs only errors inside the block (e.g. 'X requires torchvision' while importing)."""
    from transformers.utils import logging

    previous = logging.get_verbosity()
    logging.set_verbosity_error()
    try:
        yield
    finally:
        logging.set_verbosity(previous)
