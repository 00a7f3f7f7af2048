"""What the screening use cases answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from corredor.screening.domain.policy import Policy

if TYPE_CHECKING:  # Polars loads only when a table is screened
    import polars as pl


@dataclass(frozen=True)
class PolicyFile:
    """A valid policy file and where it is, relative to the policy directory."""

    policy: Policy
    file: Path


@dataclass(frozen=True)
class ProfileTable:
    """A table of profiles, read and checked, ready to screen."""

    name: str
    frame: pl.DataFrame

    @property
    def rows(self) -> int:
        return self.frame.height


@dataclass(frozen=True)
class TableScreening:
    """How many profiles got each outcome, per pathway: counts[pathway][outcome]."""

    rows: int
    counts: dict[str, dict[str, int]]
