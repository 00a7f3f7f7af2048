"""Counting per calendar day inside the database, in its own dialect: the helpers each feature's
`statistics` module uses to publish its aggregates (never a row at a time)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, cast, func
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

DailyCounts = dict[tuple[date, str], int]


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    )


def as_day(value: Any) -> date:
    """`date(at)` comes back as a date on PostgreSQL and as text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def daily_counts(rows: Iterable[Any]) -> DailyCounts:
    found: DailyCounts = {}
    for day, key, count in rows:
        if key is not None:
            found[(as_day(day), str(key))] = found.get((as_day(day), str(key)), 0) + int(count)
    return found


def day_of(session: Session, moment: Any) -> ColumnElement[Any]:
    """The calendar day of a time: SQLite keeps times as ISO text, whose first ten characters
    are the day (cheaper than parsing them); PostgreSQL casts."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(moment, 1, 10)
    return func.date(moment)


def days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Whole days from one time to another, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", later - earlier) / 86400)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)
