"""The policy files: the catalogue they make, their check, and the offices their steps name."""

from __future__ import annotations

from pathlib import Path

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.problems import PolicyFileError
from corredor.screening.offices import Offices, load_offices
from corredor.screening.policy_files import (
    default_policy_dir,
    load_catalogue,
    policy_paths,
    unsourced,
)
from corredor.screening.schemas import PolicyFile


def read_catalogue(directory: Path | None = None) -> Catalogue:
    """Every policy file under `directory` (default: the policies Corredor ships with)."""
    return load_catalogue(directory)


def check_policies(directory: Path | None = None) -> list[PolicyFile]:
    """Every policy file, each valid and citing a source for every date, cut-off and
    nationality list; otherwise `PolicyFileError` lists every problem."""
    catalogue = load_catalogue(directory)
    problems = unsourced(catalogue)
    if problems:
        raise PolicyFileError(problems)
    root = directory or default_policy_dir()
    files = {(p.parent.name, p.stem): p.relative_to(root) for p in policy_paths(root)}
    return [
        PolicyFile(policy=policy, file=files[(policy.id, policy.version)])
        for policy in catalogue.all_policies()
    ]


def offices() -> Offices:
    """The offices behind each kind of place a pathway's step names."""
    return load_offices()
