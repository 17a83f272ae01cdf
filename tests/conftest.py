"""Test session settings shared by every test module."""

import os

# Nothing in the test suite may reach the model hub; missing weights must be reported, not fetched.
os.environ["HF_HUB_OFFLINE"] = "1"
