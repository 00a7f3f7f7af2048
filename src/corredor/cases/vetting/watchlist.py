"""A local screening adapter backed by a watchlist CSV file (see data/watchlist.csv).

A person matches an entry on the same document number, or on the same normalised name, birth
date and nationality. A real screening service plugs in behind the same `Screening` protocol.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corredor.cases.domain.vetting import (
    VettingMatch,
    VettingOutcome,
    VettingResult,
    VettingSubject,
    normalise_name,
)


@dataclass(frozen=True)
class WatchlistEntry:
    id: str
    name: str
    birth_date: date | None
    nationality: str
    document_number: str | None
    reason: str


def read_watchlist(path: Path) -> list[WatchlistEntry]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            WatchlistEntry(
                id=row["id"],
                name=normalise_name(row["name"]),
                birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
                nationality=row["nationality"],
                document_number=(row["document_number"] or "").replace(" ", "").upper() or None,
                reason=row["reason"],
            )
            for row in csv.DictReader(handle)
        ]


class WatchlistScreening:
    name = "local-watchlist"

    def __init__(self, entries: list[WatchlistEntry]) -> None:
        self._entries = entries

    @classmethod
    def from_file(cls, path: Path) -> WatchlistScreening:
        return cls(read_watchlist(path))

    def check(self, subjects: list[VettingSubject]) -> VettingResult:
        matches = [
            VettingMatch(person_id=subject.person_id, reference=entry.id, reason=entry.reason)
            for subject in subjects
            for entry in self._entries
            if _matches(subject, entry)
        ]
        outcome = VettingOutcome.HIT if matches else VettingOutcome.CLEAR
        return VettingResult(outcome=outcome, source=self.name, matches=tuple(matches))


def _matches(subject: VettingSubject, entry: WatchlistEntry) -> bool:
    document = (subject.document_number or "").replace(" ", "").upper() or None
    if document is not None and document == entry.document_number:
        return True
    return (
        normalise_name(subject.name) == entry.name
        and subject.birth_date == entry.birth_date
        and subject.nationality == entry.nationality
    )
