"""Loaded by subprocesses the tests start (PYTHONPATH=tests/netguard): loopback connections only."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from chat_server import install_guard  # noqa: E402

install_guard()
