"""Reading policy files from disk (YAML) into the domain's `Policy` and `Catalogue`.

Every problem names the file and the field, and says what was expected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import ValidationError

from corredor.kernel.resources import shipped
from corredor.screening.domain.catalogue import Catalogue, CatalogueError
from corredor.screening.domain.policy import Policy, missing_sources
from corredor.screening.domain.problems import PolicyFileError, Problem, problems_of


def default_policy_dir() -> Path:
    """The policies Corredor ships with (the checkout's policies/, or the installed copy)."""
    return shipped("policies")


SAFE_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_policy(path: Path, root: Path | None = None) -> Policy:
    shown = str(path.relative_to(root)) if root else str(path)
    try:
        # libyaml's parser when the wheel carries it: the same safe loader, ten times faster
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise PolicyFileError([Problem(shown, where, f"not valid YAML: {error}")]) from None
    if not isinstance(data, dict):
        raise PolicyFileError([Problem(shown, "", "expected a mapping of policy fields")])
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        raise PolicyFileError(problems_of(error, shown)) from None
    expected_dir, expected_name = path.parent.name, path.stem
    if policy.id != expected_dir:
        raise PolicyFileError(
            [Problem(shown, "id", f"expected {expected_dir!r} (the folder name)")]
        )
    if policy.version != expected_name:
        raise PolicyFileError(
            [Problem(shown, "version", f"expected {expected_name!r} (the file name)")]
        )
    return policy


def policy_paths(directory: Path) -> list[Path]:
    return sorted(directory.glob("*/*.yaml"))


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Every policy file under `directory`; all problems are collected before raising."""
    root = directory or default_policy_dir()
    if not root.is_dir():
        raise PolicyFileError([Problem(str(root), "", "no such policy directory")])
    policies: list[Policy] = []
    problems: list[Problem] = []
    for path in policy_paths(root):
        try:
            policies.append(load_policy(path, root))
        except PolicyFileError as error:
            problems.extend(error.problems)
    if problems:
        raise PolicyFileError(problems)
    if not policies:
        raise PolicyFileError(
            [Problem(str(root), "", "no policy files (expected ID/VERSION.yaml)")]
        )
    try:
        return Catalogue(policies)
    except CatalogueError as error:
        raise PolicyFileError([Problem(str(root), "", str(error))]) from None


def unsourced(catalogue: Catalogue, root: Path | None = None) -> list[Problem]:
    """Every date, cut-off and nationality list without a source, naming file and field."""
    return [
        Problem(f"{policy.id}/{policy.version}.yaml", field, message)
        for policy in catalogue.all_policies()
        for field, message in missing_sources(policy)
    ]
