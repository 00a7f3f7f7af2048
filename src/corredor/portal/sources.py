"""The aggregates the portal reads from the corridor's and the audit's tables: counts per day,
computed by the database, never a case at a time.

These tables belong to other features (cases, documents' checks in the audit log). The portal
names them here, read-only, through SQLAlchemy's lightweight `table()` constructs rather than
their models, so that it depends on their published shape (table and column names, which a
release never changes) and on nothing else of theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    String,
    case,
    cast,
    column,
    func,
    literal,
    select,
    table,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from corredor.kernel.audit_tags import AuditTag
from corredor.portal.domain.indicators import DURATIONS

CASE_EVENTS = table(
    "case_events",
    column("case_id", String),
    column("state", String),
    column("data", JSON),
    column("at", DateTime(timezone=True)),
)
AUDIT = table("audit_entries", column("action", String), column("at", DateTime(timezone=True)))
CHECK_TAGS = {
    str(AuditTag.DOCUMENT_VERIFY_TRAVEL): "verify_travel",
    str(AuditTag.DOCUMENT_VERIFY_WORK): "verify_work",
}

DailyCounts = dict[tuple[date, str], int]


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _as_day(value: Any) -> date:
    """`date(at)` comes back as a date on PostgreSQL and as text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _counts(rows: Iterable[Any]) -> DailyCounts:
    found: DailyCounts = {}
    for day, key, count in rows:
        if key is not None:
            found[(_as_day(day), str(key))] = found.get((_as_day(day), str(key)), 0) + int(count)
    return found


def _day(session: Session, moment: Any) -> ColumnElement[Any]:
    """The calendar day of a time: SQLite keeps times as ISO text, whose first ten characters
    are the day (cheaper than parsing them); PostgreSQL casts."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(moment, 1, 10)
    return func.date(moment)


def corridor_by_day(session: Session, first: date, last: date) -> tuple[DailyCounts, DailyCounts]:
    """In one pass over the period's events: households (cases) reaching each state per day,
    and households granted parole per day by the travel mode of the grant."""
    start, end = _bounds(first, last)
    day = _day(session, CASE_EVENTS.c.at)
    granted = CASE_EVENTS.c.state == "parole_granted"
    mode = case((granted, CASE_EVENTS.c.data["travel_mode"].as_string()))
    rows = session.execute(
        select(day, CASE_EVENTS.c.state, mode, func.count(func.distinct(CASE_EVENTS.c.case_id)))
        .where(CASE_EVENTS.c.at >= start, CASE_EVENTS.c.at < end)
        .group_by(day, CASE_EVENTS.c.state, mode)
    ).all()
    steps = _counts((d, state, n) for d, state, _, n in rows)
    modes = _counts((d, travel, n) for d, state, travel, n in rows if state == "parole_granted")
    return steps, modes


def checks_by_day(session: Session, first: date, last: date) -> DailyCounts:
    """Document checks per day, by kind (from the audit log's entries)."""
    start, end = _bounds(first, last)
    day = _day(session, AUDIT.c.at)
    rows = session.execute(
        select(day, AUDIT.c.action, func.count())
        .where(AUDIT.c.action.in_(CHECK_TAGS), AUDIT.c.at >= start, AUDIT.c.at < end)
        .group_by(day, AUDIT.c.action)
    )
    return _counts((d, CHECK_TAGS[action], n) for d, action, n in rows)


def _days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Whole days from one time to another, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", later - earlier) / 86400)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def step_durations(
    session: Session, first: date, last: date
) -> dict[tuple[str, str], dict[int, int]]:
    """For each step of the corridor, a histogram {whole days: households} of the time from one
    state to the next, for households that reached the later state in the period. One pass over
    the events: when each case first reached each state (a common table expression the database
    computes once), then one histogram per step."""
    start, end = _bounds(first, last)
    states = sorted({state for pair in DURATIONS for state in pair})
    reached = (
        select(
            *(
                func.min(case((CASE_EVENTS.c.state == state, CASE_EVENTS.c.at))).label(state)
                for state in states
            ),
        )
        .where(
            CASE_EVENTS.c.case_id.in_(
                select(CASE_EVENTS.c.case_id).where(
                    CASE_EVENTS.c.at >= start,
                    CASE_EVENTS.c.at < end,
                    CASE_EVENTS.c.state.in_([later for _, later in DURATIONS]),
                )
            )
        )
        .group_by(CASE_EVENTS.c.case_id)
        .cte("reached")
    )
    histograms = []
    for step, (earlier, later) in enumerate(DURATIONS):
        days = _days_between(session, reached.c[later], reached.c[earlier])
        histograms.append(
            select(literal(step).label("step"), days.label("days"), func.count().label("n"))
            .where(
                reached.c[earlier].is_not(None),
                reached.c[later] >= start,
                reached.c[later] < end,
            )
            .group_by(days)
        )
    found: dict[tuple[str, str], dict[int, int]] = {pair: {} for pair in DURATIONS}
    for step, days, count in session.execute(union_all(*histograms)):
        if days is not None:
            found[DURATIONS[int(step)]][int(days)] = int(count)
    return found
