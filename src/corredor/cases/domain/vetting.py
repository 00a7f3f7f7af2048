"""Vetting: the screening interface that checks criminal history before parole.

The domain states what is asked and what comes back; an adapter answers (a local watchlist
file now, a real service later). A hit never decides by itself: it sends the case to secondary
review by a CBP officer.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class VettingOutcome(StrEnum):
    CLEAR = "clear"
    HIT = "hit"


@dataclass(frozen=True)
class VettingSubject:
    person_id: str
    name: str
    birth_date: date
    nationality: str
    document_number: str | None


@dataclass(frozen=True)
class VettingMatch:
    person_id: str
    reference: str  # the watchlist entry's id
    reason: str


@dataclass(frozen=True)
class VettingResult:
    outcome: VettingOutcome
    source: str
    matches: tuple[VettingMatch, ...] = ()


class Screening(Protocol):
    """Anything that can check a household against criminal-history records."""

    name: str

    def check(self, subjects: list[VettingSubject]) -> VettingResult: ...


def normalise_name(name: str) -> str:
    """Names compared without case, accents or spacing (Jean-Baptiste ~ jean baptiste)."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.casefold().replace("-", " ").split())
