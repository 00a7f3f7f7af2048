"""Reading policy files from disk (YAML) into the domain's `Policy` and `Catalogue`.

Every problem names the file and the field, and says what was expected.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Final

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
TIMESTAMP_TAG: Final = "tag:yaml.org,2002:timestamp"
LOOKS_LIKE_A_DATE: Final = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
MAX_NESTING: Final = 64  # a real predicate is a few levels deep; 900 would exhaust the stack


class _DatesAsText(SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The same safe loader, reading dates as text: to find which date is not a date."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in SAFE_LOADER.yaml_implicit_resolvers.items()
    }


def _field(path: list[str | int]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)[1:]


def _walk(data: Any) -> list[tuple[list[str | int], Any]]:
    """Every value with the path to it, breadth first and without recursion."""
    found: list[tuple[list[str | int], Any]] = []
    queue: list[tuple[list[str | int], Any]] = [([], data)]
    while queue:
        path, value = queue.pop()
        found.append((path, value))
        if isinstance(value, dict):
            queue.extend(([*path, str(key)], item) for key, item in value.items())
        elif isinstance(value, list):
            queue.extend(([*path, index], item) for index, item in enumerate(value))
    return found


def _impossible_dates(text: str, shown: str) -> list[Problem]:
    """The fields whose value YAML reads as a date that does not exist (2011-02-30)."""
    found = []
    for path, value in _walk(yaml.load(text, Loader=_DatesAsText)):
        if isinstance(value, str) and LOOKS_LIKE_A_DATE.fullmatch(value):
            try:
                date(*(int(part) for part in value.split("-")))
            except ValueError as error:
                found.append(Problem(shown, _field(path), f"{value} is not a date: {error}"))
    return found or [Problem(shown, "", "a value YAML reads as a date is not a valid date")]


def _too_deep(data: Any, shown: str) -> list[Problem]:
    for path, _ in _walk(data):
        if len(path) > MAX_NESTING:
            where = _field(path[:6]) + " … " + _field(path[-2:])
            return [Problem(shown, where, f"nested more than {MAX_NESTING} levels deep")]
    return []


def _read_yaml(path: Path, shown: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PolicyFileError(
            [Problem(shown, "", "not UTF-8 text: is it a policy file?")]
        ) from None
    except OSError as error:
        raise PolicyFileError([Problem(shown, "", f"cannot be read: {error.strerror}")]) from None
    try:
        # libyaml's parser when the wheel carries it: the same safe loader, ten times faster
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise PolicyFileError([Problem(shown, where, f"not valid YAML: {error}")]) from None
    except ValueError:  # the timestamp constructor met a day that does not exist
        raise PolicyFileError(_impossible_dates(text, shown)) from None
    except RecursionError:
        raise PolicyFileError([Problem(shown, "", "nested too deeply to read")]) from None


def load_policy(path: Path, root: Path | None = None) -> Policy:
    shown = str(path.relative_to(root)) if root else str(path)
    data = _read_yaml(path, shown)
    if not isinstance(data, dict):
        raise PolicyFileError([Problem(shown, "", "expected a mapping of policy fields")])
    if problems := _too_deep(data, shown):
        raise PolicyFileError(problems)
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
