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


# -- the tested versions: constraints.txt -----------------------------------------------------------

def _direct_requirements():
    from packaging.requirements import Requirement

    # What the README's install brings: the dependencies and the dev extra (other extras, such as quant,
    # are the user's choice; their pins in constraints.txt are what their own tests ran with).
    listed = PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]
    return [Requirement(line) for line in listed]


def _pins() -> dict[str, str]:
    from packaging.utils import canonicalize_name

    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin (name==version)"
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_constraints_pin_every_direct_dependency_within_its_declared_range() -> None:
    """A new release of a dependency cannot change what `pip install ... -c constraints.txt` installs."""
    from packaging.utils import canonicalize_name

    pins = _pins()
    for requirement in _direct_requirements():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue  # e.g. tomli, only on Python < 3.11: not installed, so not tested, here
        name = canonicalize_name(requirement.name)
        assert name in pins, f"constraints.txt does not pin {requirement.name}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]} outside pyproject's {requirement}")


def test_the_installed_direct_dependencies_are_the_pinned_versions() -> None:
    """The suite runs against what constraints.txt records (a local build label such as +cpu aside)."""
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    pins = _pins()
    for requirement in _direct_requirements():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        installed = Version(metadata.version(requirement.name)).public
        pinned = pins.get(canonicalize_name(requirement.name))
        assert installed == pinned, (
            f"{requirement.name} {installed} is installed but constraints.txt records {pinned}: "
            "install with `-c constraints.txt`, or run the suite on the new version and update the pin")

