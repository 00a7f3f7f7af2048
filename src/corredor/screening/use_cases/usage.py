"""Counting completed screenings for the public portal: one counter per day, language and
result goes up by one; nothing about the person, their answers or the time of day is kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.screening.domain.rules import Decision, Outcome
from corredor.screening.tables import ScreenerUse

# the languages the pages are in; anything else is counted as "other", so a crafted language
# cannot grow the table or publish a free-text value
LANGUAGES: Final = frozenset({"es", "en", "fr", "ht", "pt"})


def best_result(decisions: Iterable[Decision]) -> Outcome:
    """What the person was told, at best: a pathway may be open, more is needed, or none is."""
    outcomes = {decision.outcome for decision in decisions}
    for outcome in (Outcome.ELIGIBLE, Outcome.UNKNOWN):
        if outcome in outcomes:
            return outcome
    return Outcome.NOT_ELIGIBLE


def count_completed(p: Platform, language: str, result: Outcome) -> None:
    """One more screening completed today in `language` with its best result. One statement
    that inserts the day's counter or adds one to it, so concurrent screenings never lose a
    count."""
    values = {
        "day": p.today(),
        "language": language if language in LANGUAGES else "other",
        "result": str(result),
        "count": 1,
    }
    with unit_of_work(p) as s:
        insert = postgresql_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(ScreenerUse).values(**values)
        s.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "language", "result"],
                set_={"count": ScreenerUse.count + 1},
            )
        )


def held(p: Platform) -> int:
    """Screenings counted so far, all days together."""
    with unit_of_work(p) as s:
        return int(s.scalar(select(func.coalesce(func.sum(ScreenerUse.count), 0))) or 0)


def add_counts(p: Platform, counts: Mapping[tuple[date, str, Outcome], int]) -> None:
    """Counts of screenings completed elsewhere (the demo's illustrative history, a kiosk that
    was offline), added to the days' counters in one unit of work."""
    with unit_of_work(p) as s:
        for (day, language, result), n in counts.items():
            key = (day, language if language in LANGUAGES else "other", str(result))
            row = s.get(ScreenerUse, key)
            if row is None:
                s.add(ScreenerUse(day=key[0], language=key[1], result=key[2], count=n))
            else:
                row.count += n
