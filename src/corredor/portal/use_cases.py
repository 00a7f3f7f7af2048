"""The portal's figures: each indicator as a table of SQL aggregates, bucketed into weeks or
months, then protected (`domain.disclosure`) before anything leaves this module.

Every figure is computed on request from the aggregates (benchmarks/stats.py times a refresh
over a million cases); nothing personal is read, and no cell below the threshold is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Final

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
    DURATIONS,
    OCCUPANCY,
    STEPS_TAKEN,
    VERIFICATIONS,
    WAITING,
    Indicator,
    Period,
    median_and_p90,
    period_start,
    periods_ending,
)
from corredor.portal.schemas import PublishedRow, PublishedTable, Statistics, StepDuration
from corredor.shelters import statistics as shelter_statistics
from corredor.shelters.domain.registry import zone_of

PERIODS_SHOWN: Final[dict[Period, int]] = {Period.MONTH: 12, Period.WEEK: 13}
RECENT_DAYS: Final = 7


def _published(
    indicator: Indicator, keys: Sequence[str], values: list[list[int]]
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


def statistics(p: Platform, period: Period = Period.MONTH) -> Statistics:
    """Every indicator over the last periods up to the platform's today."""
    today = p.today()
    starts = periods_ending(today, period, PERIODS_SHOWN[period])
    first = starts[0]
    with unit_of_work(p) as s:
        shelters = shelter_statistics.daily_totals(s, first, today)
        regions = shelter_statistics.regions(s)
        steps, modes = case_statistics.corridor_by_day(s, first, today)
        checks = document_statistics.checks_by_day(s, first, today)
        durations = case_statistics.step_durations(s, first, today, DURATIONS)
    return Statistics(
        period=period,
        first_day=first,
        last_day=today,
        updated_at=p.now(),
        threshold=THRESHOLD,
        tables=[
            _waiting(shelters, starts, period),
            _occupancy(shelters, regions, today - timedelta(days=RECENT_DAYS - 1)),
            _by_period(STEPS_TAKEN, steps, starts, period),
            _by_period(ADMISSIONS, modes, starts, period),
            _by_period(VERIFICATIONS, checks, starts, period),
        ],
        durations=_durations(durations),
    )


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
