"""What the cases publish for the public monitoring portal: counts per day over the case timeline,
computed by the database inside the caller's unit of work, never a case at a time, and nothing
about any person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from corredor.cases.tables import Case, CaseEvent, StepTally
from corredor.kernel.daily import DailyCounts, bounds, daily_counts, day_of, days_between


def corridor_by_day(session: Session, first: date, last: date) -> tuple[DailyCounts, DailyCounts]:
    """In one pass over the period's events: households (cases) reaching each state per day,
    and households granted parole per day by the travel mode of the grant."""
    start, end = bounds(first, last)
    day = day_of(session, CaseEvent.at)
    granted = CaseEvent.state == "parole_granted"
    mode = case((granted, CaseEvent.data["travel_mode"].as_string()))
    rows = session.execute(
        select(day, CaseEvent.state, mode, func.count(func.distinct(CaseEvent.case_id)))
        .where(CaseEvent.at >= start, CaseEvent.at < end)
        .group_by(day, CaseEvent.state, mode)
    ).all()
    steps = daily_counts((d, state, n) for d, state, _, n in rows)
    modes = daily_counts(
        (d, travel, n) for d, state, travel, n in rows if state == "parole_granted"
    )
    return steps, modes


def step_durations(
    session: Session, first: date, last: date, steps: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[int, int]]:
    """For each step of the corridor, a histogram {whole days: households} of the time from one
    state to the next, for households that reached the later state in the period. One pass over
    the events: when each case first reached each state (a common table expression the database
    computes once), then one histogram per step."""
    start, end = bounds(first, last)
    states = sorted({state for pair in steps for state in pair})
    reached = (
        select(
            *(
                func.min(case((CaseEvent.state == state, CaseEvent.at))).label(state)
                for state in states
            ),
        )
        .where(
            CaseEvent.case_id.in_(
                select(CaseEvent.case_id).where(
                    CaseEvent.at >= start,
                    CaseEvent.at < end,
                    CaseEvent.state.in_([later for _, later in steps]),
                )
            )
        )
        .group_by(CaseEvent.case_id)
        .cte("reached")
    )
    histograms = []
    for step, (earlier, later) in enumerate(steps):
        days = days_between(session, reached.c[later], reached.c[earlier])
        histograms.append(
            select(literal(step).label("step"), days.label("days"), func.count().label("n"))
            .where(
                reached.c[earlier].is_not(None),
                reached.c[later] >= start,
                reached.c[later] < end,
            )
            .group_by(days)
        )
    found: dict[tuple[str, str], dict[int, int]] = {pair: {} for pair in steps}
    for step, days, count in session.execute(union_all(*histograms)):
        if days is not None:
            found[steps[int(step)]][int(days)] = int(count)
    return found


def tvrh_by_border_point(session: Session, first: date, last: date) -> dict[str, int]:
    """Households issued a TVRH in the period, by the border point where the case was
    registered (`cases.site_id`), in one aggregate over the period's events."""
    start, end = bounds(first, last)
    rows = session.execute(
        select(Case.site_id, func.count(func.distinct(CaseEvent.case_id)))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.state == "tvrh_issued", CaseEvent.at >= start, CaseEvent.at < end)
        .group_by(Case.site_id)
    )
    return {str(site): int(n) for site, n in rows if site is not None}


def people_by_nationality(session: Session, first: date, last: date) -> dict[tuple[str, str], int]:
    """{(nationality, state): people} who reached each state from `first` to `last`, summed
    from the tallies counted as the steps were taken (the persons table is not read)."""
    rows = session.execute(
        select(StepTally.nationality, StepTally.state, func.sum(StepTally.people))
        .where(StepTally.day >= first, StepTally.day <= last)
        .group_by(StepTally.nationality, StepTally.state)
    )
    return {(nationality, state): int(n or 0) for nationality, state, n in rows}
