"""The package as installed: every package listed, data files shipped, every entry point loads."""

from __future__ import annotations

import sys
from importlib import metadata

import pytest
from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def test_the_explicit_package_list_is_every_package_in_the_tree() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in REPO.glob("**/__init__.py")
        if path.relative_to(REPO).parts[0] not in {"tests", ".venv", "build", "benchmarks"}
    }
    assert listed == found


def test_package_data_globs_match_files() -> None:
    for package, patterns in PYPROJECT["tool"]["setuptools"]["package-data"].items():
        folder = REPO.joinpath(*package.split("."))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: {pattern} matches nothing"


@pytest.mark.parametrize("group", ["deig.planners", "deig.renderers"])
def test_every_builtin_entry_point_loads_and_declares_options(group: str) -> None:
    declared = PYPROJECT["project"]["entry-points"][group]
    installed = {ep.name: ep for ep in metadata.entry_points(group=group) if ep.dist and ep.dist.name == "deig"}
    assert set(declared) == set(installed)
    for name, ep in installed.items():
        cls = ep.load()
        assert cls.name == name and cls.description
        cls.Options()  # every option has a default


def test_console_script_and_module_entry() -> None:
    assert PYPROJECT["project"]["scripts"] == {"deig": "deigcli.main:run"}
    assert (REPO / "deigcli" / "__main__.py").is_file()
