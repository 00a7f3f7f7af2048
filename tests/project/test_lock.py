"""requirements.lock and pyproject.toml agree: every dependency declared is pinned in the lock at a
version the declaration allows, with hashes, and the lock pins nothing the project does not need."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;\\]+)")


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(text) for text in [*project["dependencies"], *extras["dev"]]]


def locked(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        found = PIN.match(line)
        if found:
            pins[canonicalize_name(found.group(1))] = found.group(3)
    return pins


def disagreements(requirements: list[Requirement], lock_text: str) -> list[str]:
    pins = locked(lock_text)
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name}: declared in pyproject.toml, not in the lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(
                f"{requirement.name}: lock pins {pins[name]}, pyproject wants {requirement.specifier}"
            )
    return problems


def lock_text() -> str:
    return (ROOT / "requirements.lock").read_text(encoding="utf-8")


def test_every_declared_dependency_is_pinned_at_an_allowed_version() -> None:
    assert disagreements(declared(), lock_text()) == []


def test_every_pin_carries_hashes() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock_text())
    pinned = [block for block in blocks if PIN.match(block)]
    assert len(pinned) > 50
    assert [b.split()[0] for b in pinned if "--hash=sha256:" not in b] == []


def test_every_direct_pin_in_the_lock_is_still_declared() -> None:
    # what the lock says came from pyproject.toml must still be there: a dependency removed from
    # one and not the other fails here
    names = {canonicalize_name(r.name) for r in declared()}
    from_project = set()
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock_text()):
        found = PIN.match(block)
        if found and "corredor (pyproject.toml)" in block:
            from_project.add(canonicalize_name(found.group(1)))
    assert from_project
    assert from_project - names == set()


def test_a_dependency_added_to_one_file_only_is_caught() -> None:
    # the checker itself can fail: a new declaration with no pin, and a pin outside its range
    added = [*declared(), Requirement("left-pad>=1.0")]
    assert disagreements(added, lock_text()) == [
        "left-pad: declared in pyproject.toml, not in the lock"
    ]
    narrowed = [Requirement("babel<2.0")]
    assert len(disagreements(narrowed, lock_text())) == 1
