"""Loaded by subprocesses the tests start (PYTHONPATH=tests/netguard): loopback connections only."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from chat_server import only_localhost  # noqa: E402

only_localhost().__enter__()
