"""Hostile scene documents of a chosen size, shared by the tests and `benchmarks/hostile_inputs.py`.

Each family is a function `(size_bytes, fmt) -> text` with fmt "json" or "yaml"; the text is about
`size_bytes` long and is something a hostile user could hand to `deig validate` or `deig render`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

Family = Callable[[int, str], str]


def long_list(size: int, fmt: str) -> str:
    """A list of zeros under an unknown key: millions of values in a small file."""
    count = max(1, (size - 40) // 2)
    if fmt == "json":
        return '{"caption": "x", "extra": [' + ",".join(["0"] * count) + "]}"
    return "caption: x\nextra:\n" + "- 0\n" * (count // 2)


def deep_nesting(size: int, fmt: str) -> str:
    levels = max(1, (size - 40) // 2)
    body = "[" * levels + "]" * levels
    if fmt == "json":
        return '{"caption": "x", "extra": ' + body + "}"
    return "caption: x\nextra: " + body + "\n"


def many_keys(size: int, fmt: str, *, count: int | None = None) -> str:
    """Unknown keys k0, k1, ... (each a problem of its own when validated)."""
    if count is None:
        count = max(1, size // (13 if fmt == "json" else 9))
    if fmt == "json":
        return '{"caption": "x", ' + ", ".join(f'"k{i}": 0' for i in range(count)) + "}"
    return "caption: x\n" + "".join(f"k{i}: 0\n" for i in range(count))


def many_keypoints(size: int, fmt: str, *, count: int | None = None) -> str:
    """One instance whose pose has far more than the 18 keypoints of a skeleton."""
    if count is None:
        count = max(1, size // (12 if fmt == "json" else 26))
    if fmt == "json":
        points = ",".join(["[0.5,0.5,1]"] * count)
        return ('{"caption": "x", "instances": [{"name": "man", "caption": "a man", '
                '"box": [0.1, 0.1, 0.9, 0.9], "pose": {"keypoints": [' + points + "]}}]}")
    return ("caption: x\ninstances:\n  - name: man\n    caption: a man\n    box: [0.1, 0.1, 0.9, 0.9]\n"
            "    pose:\n      keypoints:\n" + "        - [0.5, 0.5, 1]\n" * count)


def aliases(size: int, fmt: str) -> str:
    """An anchored list aliased over and over (JSON has no aliases: YAML in both formats)."""
    anchor = "base: &a [" + ", ".join(["x"] * 100) + "]\n"
    count = max(1, (size - len(anchor) - 20) // 7)
    return "caption: x\n" + anchor + "extra:\n" + "  - *a\n" * count


def long_string(size: int, fmt: str) -> str:
    text = "x" * max(1, size - 40)
    if fmt == "json":
        return json.dumps({"caption": text})
    return f"caption: {text}\n"


FAMILIES: dict[str, Family] = {
    "long list": long_list,
    "deep nesting": deep_nesting,
    "many keys": many_keys,
    "many keypoints": many_keypoints,
    "aliases": aliases,
    "long string": long_string,
}
