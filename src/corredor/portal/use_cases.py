"""The portal's figures: each indicator as a table of SQL aggregates, bucketed into weeks or
months, then protected (`domain.disclosure`) before anything leaves this module.

Computing every indicator takes seconds over a million cases (benchmarks/stats.py), so the
figures are kept once computed (`portal_figures`) and served from there: `refresh` recomputes
them (`corredor stats refresh`, run by a timer), and a request finding them older than
`MAX_AGE` recomputes them itself. `updated_at` is always when they were computed. Nothing
personal is read, and no cell below the threshold is returned or kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from corredor.allocation import statistics as allocation_statistics
from corredor.cases import statistics as case_statistics
from corredor.documents import statistics as document_statistics
from corredor.kernel.daily import DailyCounts
from corredor.kernel.errors import NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.portal import exports
from corredor.portal.domain.disclosure import THRESHOLD, protect
from corredor.portal.domain.indicators import (
    ADMISSIONS,
    APPOINTMENT_REQUESTS,
    BY_NATIONALITY,
    DURATIONS,
    IN_SHELTERS_BY_SEX_AND_AGE,
    OCCUPANCY,
    SCREENER_USE,
    SEATS,
    STEPS_TAKEN,
    TVRH_BY_POINT,
    VERIFICATIONS,
    WAITING,
    Indicator,
    Period,
    median_and_p90,
    period_start,
    periods_ending,
)
from corredor.portal.schemas import PublishedRow, PublishedTable, Statistics, StepDuration
from corredor.portal.tables import PublishedFigures
from corredor.screening import statistics as screening_statistics
from corredor.shelters import statistics as shelter_statistics
from corredor.shelters.domain.registry import zone_of

PERIODS_SHOWN: Final[dict[Period, int]] = {Period.MONTH: 12, Period.WEEK: 13}
RECENT_DAYS: Final = 7
MAX_AGE: Final = timedelta(minutes=15)  # the oldest figures a request is answered with
LANGUAGES: Final = ("es", "en", "fr", "ht", "pt", "other")  # the screener's, in this order


def _published(
    indicator: Indicator,
    keys: Sequence[str],
    values: list[list[int]],
    extra: Sequence[dict[str, object]] = (),
) -> PublishedTable:
    protected = protect(values)
    return PublishedTable(
        id=indicator.id,
        title=indicator.title,
        unit=indicator.unit,
        rows_are=indicator.rows,
        series=[series.key for series in indicator.series],
        series_tag=indicator.series_tag,
        value_tag=indicator.value_tag,
        description=indicator.description,
        rows=[
            PublishedRow(
                key=key,
                values=[protected.cell(r, c) for c in range(protected.columns)],
                total=protected.row_total(r),
                **(extra[r] if extra else {}),
            )
            for r, key in enumerate(keys)
        ],
        totals=[protected.column_total(c) for c in range(protected.columns)],
        total=protected.total,
    )


def _by_period(
    indicator: Indicator, daily: DailyCounts, starts: list[date], period: Period
) -> PublishedTable:
    index = {start: i for i, start in enumerate(starts)}
    keys = [series.key for series in indicator.series]
    values = [[0] * len(keys) for _ in starts]
    for (day, key), count in daily.items():
        row = index.get(period_start(day, period))
        if row is not None and key in keys:
            values[row][keys.index(key)] += count
    return _published(indicator, [start.isoformat() for start in starts], values)


def _average(total: int, days: int) -> int:
    return (2 * total + days) // (2 * days) if days else 0  # rounded half up


def _waiting(
    daily: list[shelter_statistics.DailyTotal], starts: list[date], period: Period
) -> PublishedTable:
    """People waiting on an average reported day of each period, by zone."""
    index = {start: i for i, start in enumerate(starts)}
    zones = [series.key for series in WAITING.series]
    person_days = [[0] * len(zones) for _ in starts]
    days: list[set[date]] = [set() for _ in starts]
    for total in daily:
        row = index.get(period_start(total.day, period))
        if row is None:
            continue
        person_days[row][zones.index(zone_of(total.region))] += total.waiting
        days[row].add(total.day)
    values = [
        [_average(count, len(days[row])) for count in person_days[row]]
        for row in range(len(starts))
    ]
    return _published(WAITING, [start.isoformat() for start in starts], values)


def _occupancy(
    daily: list[shelter_statistics.DailyTotal], regions: list[str], since: date
) -> PublishedTable:
    """People in shelters on an average reported day of the last week, by state."""
    recent = [total for total in daily if total.day >= since]
    days = len({total.day for total in recent})
    present = dict.fromkeys(regions, 0)
    for total in recent:
        present[total.region] = present.get(total.region, 0) + total.present
    keys = sorted(present)
    return _published(OCCUPANCY, keys, [[_average(present[key], days)] for key in keys])


def _by_sex_and_age(
    daily: list[shelter_statistics.DailyTotal], starts: list[date], period: Period
) -> PublishedTable:
    """People in shelters on an average reported day of each period, by sex and age band."""
    index = {start: i for i, start in enumerate(starts)}
    cells = [series.key for series in IN_SHELTERS_BY_SEX_AND_AGE.series]
    person_days = [[0] * len(cells) for _ in starts]
    days: list[set[date]] = [set() for _ in starts]
    for total in daily:
        row = index.get(period_start(total.day, period))
        if row is None:
            continue
        for c, cell in enumerate(cells):
            person_days[row][c] += total.breakdown.get(cell, 0)
        days[row].add(total.day)
    values = [[_average(n, len(days[row])) for n in person_days[row]] for row in range(len(starts))]
    return _published(IN_SHELTERS_BY_SEX_AND_AGE, [start.isoformat() for start in starts], values)


def _tvrh_by_point(p: Platform, issued: dict[str, int]) -> PublishedTable:
    """Every designated border point, in the order of the reference data, with zeros kept (and
    hidden) so that a point with few cards is not told apart from one with none."""
    points = p.reference.inm_border_points
    known = {point.id for point in points}
    keys = [point.id for point in points] + sorted(set(issued) - known)
    region = {point.id: point.region for point in points}
    return _published(
        TVRH_BY_POINT,
        keys,
        [[issued.get(key, 0)] for key in keys],
        [{"region": region.get(key)} for key in keys],
    )


def _by_nationality(counted: dict[tuple[str, str], int]) -> PublishedTable:
    """A row per nationality, the most people first; small cells hidden like any other."""
    steps = [series.key for series in BY_NATIONALITY.series]
    people: dict[str, int] = {}
    for (nationality, state), n in counted.items():
        if state in steps:
            people[nationality] = people.get(nationality, 0) + n
    keys = sorted(people, key=lambda code: (-people[code], code))
    values = [[counted.get((code, step), 0) for step in steps] for code in keys]
    return _published(BY_NATIONALITY, keys, values)


def _windows(drawn: list[allocation_statistics.DrawnWindow]) -> list[PublishedTable]:
    """Each drawn window's requests by the draw's outcome, and the seats it offered."""
    keys = [window.window_id for window in drawn]
    extra: list[dict[str, object]] = [
        {"first_day": window.first_day, "draw": window.run_id} for window in drawn
    ]
    outcomes = [[w.allocated, max(w.requests - w.allocated, 0)] for w in drawn]
    return [
        _published(APPOINTMENT_REQUESTS, keys, outcomes, extra),
        _published(SEATS, keys, [[window.seats] for window in drawn], extra),
    ]


def _screener(counted: dict[tuple[str, str], int]) -> PublishedTable:
    results = [series.key for series in SCREENER_USE.series]
    values = [[counted.get((lang, result), 0) for result in results] for lang in LANGUAGES]
    return _published(SCREENER_USE, list(LANGUAGES), values)


def _durations(histograms: dict[tuple[str, str], dict[int, int]]) -> list[StepDuration]:
    found = []
    for earlier, later in DURATIONS:
        histogram = histograms.get((earlier, later), {})
        households = sum(histogram.values())
        shown = households >= THRESHOLD
        figures = median_and_p90(histogram) if shown else None
        found.append(
            StepDuration(
                from_step=earlier,
                to_step=later,
                households=households if shown else None,
                median_days=figures[0] if figures else None,
                p90_days=figures[1] if figures else None,
            )
        )
    return found


def compute(p: Platform, period: Period = Period.MONTH) -> Statistics:
    """Every indicator over the last periods up to the platform's today, computed now."""
    today = p.today()
    starts = periods_ending(today, period, PERIODS_SHOWN[period])
    first = starts[0]
    with unit_of_work(p) as s:
        shelters = shelter_statistics.daily_totals(s, first, today)
        regions = shelter_statistics.regions(s)
        steps, modes = case_statistics.corridor_by_day(s, first, today)
        checks = document_statistics.checks_by_day(s, first, today)
        durations = case_statistics.step_durations(s, first, today, DURATIONS)
        issued = case_statistics.tvrh_by_border_point(s, first, today)
        nationalities = case_statistics.people_by_nationality(s, first, today)
        drawn = allocation_statistics.drawn_windows(s, first, today)
        screened = screening_statistics.screenings(s, first, today)
    return Statistics(
        period=period,
        first_day=first,
        last_day=today,
        updated_at=p.now(),
        threshold=THRESHOLD,
        tables=[
            _waiting(shelters, starts, period),
            _occupancy(shelters, regions, today - timedelta(days=RECENT_DAYS - 1)),
            _by_sex_and_age(shelters, starts, period),
            _by_period(STEPS_TAKEN, steps, starts, period),
            _by_period(ADMISSIONS, modes, starts, period),
            _tvrh_by_point(p, issued),
            _by_nationality(nationalities),
            *_windows(drawn),
            _by_period(VERIFICATIONS, checks, starts, period),
            _screener(screened),
        ],
        durations=_durations(durations),
    )


def _kept(p: Platform, period: Period) -> Statistics | None:
    with unit_of_work(p) as s:
        row = s.get(PublishedFigures, period.value)
        if row is None:
            return None
        try:
            return Statistics.model_validate_json(row.figures)
        except ValidationError:  # kept by an older version: recompute
            return None


def _keep(p: Platform, figures: Statistics) -> None:
    try:
        with unit_of_work(p) as s:
            row = s.get(PublishedFigures, figures.period.value)
            if row is None:
                row = PublishedFigures(period=figures.period.value)
                s.add(row)
            row.computed_at = figures.updated_at
            row.figures = figures.model_dump_json()
    except IntegrityError:  # another worker kept its figures first: theirs are as fresh
        return


def refresh(p: Platform) -> list[Statistics]:
    """Compute every period's figures and keep them (the timer's job: `corredor stats
    refresh`)."""
    found = [compute(p, period) for period in Period]
    for figures in found:
        _keep(p, figures)
    return found


def statistics(p: Platform, period: Period = Period.MONTH) -> Statistics:
    """The figures as last computed, or computed now (and kept) when there are none, they are
    older than `MAX_AGE`, or the day has changed since; `updated_at` says when."""
    kept = _kept(p, period)
    if kept is not None and p.now() - kept.updated_at <= MAX_AGE and kept.last_day == p.today():
        return kept
    figures = compute(p, period)
    _keep(p, figures)
    return figures


MEDIA_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}


def publication(p: Platform, period: Period = Period.MONTH) -> dict[str, bytes]:
    """Every open-data file (CSV with HXL, JSON, Parquet, datapackage.json), by file name."""
    return exports.files(statistics(p, period))


def export(p: Platform, directory: Path, period: Period = Period.MONTH) -> list[Path]:
    """Write the publication into `directory` (for HDX or any other portal); the files it wrote."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in sorted(publication(p, period).items()):
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    return written


def download(p: Platform, table_id: str, form: str, period: Period) -> tuple[bytes, str]:
    """One table in one form, with its media type; an unknown table is not found."""
    name = f"{table_id}.{form}"
    files = publication(p, period)
    if name not in files:
        raise NotFound(f"no table {table_id} as {form}")
    return files[name], MEDIA_TYPES[form]
