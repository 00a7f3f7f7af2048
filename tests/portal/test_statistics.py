"""The portal's figures are the aggregates of what shelters and the corridor recorded, bucketed
by week or month, and never show a number below 10."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.cases import statistics as case_statistics
from corredor.platform import Platform
from corredor.portal import use_cases
from corredor.portal.domain.disclosure import THRESHOLD, protect
from corredor.portal.domain.indicators import ZONES, Period, period_start
from corredor.portal.schemas import PublishedTable
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS, illustrative_history
from tests.platform.conftest import Api
from tests.platform.journey import walk
from tests.portal.conftest import FIRST, TODAY

ZONE_OF = {shelter.id: shelter.zone for shelter in ILLUSTRATIVE_SHELTERS}


def table(platform: Platform, table_id: str, period: Period = Period.MONTH) -> PublishedTable:
    found = use_cases.statistics(platform, period).tables
    return next(t for t in found if t.id == table_id)


def expected_waiting(period: Period, starts: list[str]) -> list[list[int]]:
    """The same figure computed from the reports themselves, one by one (the slow way)."""
    person_days: dict[tuple[date, str], int] = defaultdict(int)
    days: dict[date, set[date]] = defaultdict(set)
    for shelter_id, day, report in illustrative_history(ILLUSTRATIVE_SHELTERS, FIRST, TODAY):
        start = period_start(day, period)
        person_days[(start, ZONE_OF[shelter_id])] += report.waiting
        days[start].add(day)
    return [
        [
            round(
                person_days[(date.fromisoformat(s), zone.key)] / len(days[date.fromisoformat(s)])
                + 1e-9
            )
            if days[date.fromisoformat(s)]
            else 0
            for zone in ZONES
        ]
        for s in starts
    ]


def test_people_waiting_by_zone_are_the_reports_averaged_and_protected(
    portal_platform: Platform,
) -> None:
    for period in Period:
        waiting = table(portal_platform, "waiting-in-shelters", period)
        starts = [row.key for row in waiting.rows]
        assert starts[-1] == period_start(TODAY, period).isoformat()
        protected = protect(expected_waiting(period, starts))
        assert [row.values for row in waiting.rows] == [
            [protected.cell(r, c) for c in range(len(ZONES))] for r in range(len(starts))
        ]
        north = [row.values[0] for row in waiting.rows if row.values[0] is not None]
        assert north, "the north's waiting people are published"
        assert all(value >= THRESHOLD for value in north)
        # no shelter lies in the centre of the route: its zeros are hidden, not shown as 0
        assert all(row.values[3] is None for row in waiting.rows)


def test_no_published_number_is_below_ten(portal_platform: Platform) -> None:
    for period in Period:
        figures = use_cases.statistics(portal_platform, period)
        for published in figures.tables:
            numbers = [v for row in published.rows for v in (*row.values, row.total)]
            numbers += [*published.totals, published.total]
            assert all(v is None or v >= THRESHOLD for v in numbers), published.id
        assert all(d.households is None or d.households >= THRESHOLD for d in figures.durations)


def test_occupancy_by_state_averages_the_last_seven_days(portal_platform: Platform) -> None:
    occupancy = table(portal_platform, "shelter-occupancy-by-region")
    since = TODAY - timedelta(days=6)
    present: dict[str, int] = defaultdict(int)
    region = {shelter.id: shelter.region for shelter in ILLUSTRATIVE_SHELTERS}
    for shelter_id, day, report in illustrative_history(ILLUSTRATIVE_SHELTERS, FIRST, TODAY):
        if day >= since:
            present[region[shelter_id]] += report.present
    assert [row.key for row in occupancy.rows] == sorted(present)
    assert {row.key: row.values[0] for row in occupancy.rows} == {
        key: round(total / 7 + 1e-9) for key, total in present.items()
    }


def test_corridor_steps_are_counted_per_household_by_the_database(
    portal_platform: Platform,
) -> None:
    # case events are stamped by the wall clock, so the window here ends at the real today
    portal_platform.today = date.today
    try:
        with TestClient(create_app(platform=portal_platform)) as client:
            api = Api(client=client, platform=portal_platform)
            for n in range(11):
                walk(api, "tvrh_issued", applicant=f"family-{n}")
        today = date.today()
        with portal_platform.db.transaction() as s:
            counted, _ = case_statistics.corridor_by_day(s, today - timedelta(days=1), today)
        by_state: dict[str, int] = defaultdict(int)
        for (_, state), count in counted.items():
            by_state[state] += count
        assert by_state == {"registered": 11, "tvrh_issued": 11}
        steps = table(portal_platform, "corridor-steps")
        column = {key: i for i, key in enumerate(steps.series)}
        assert steps.totals[column["registered"]] in (11, None)
        assert steps.totals[column["parole_granted"]] is None  # none: fewer than 10
        registered_to_tvrh, *later = use_cases.statistics(portal_platform).durations
        assert (registered_to_tvrh.households, registered_to_tvrh.median_days) == (11, 0)
        assert registered_to_tvrh.p90_days == 0  # the TVRH was issued the same day
        assert all(d.households is None and d.median_days is None for d in later)
    finally:
        portal_platform.today = lambda: TODAY


def test_the_api_answers_without_sign_in_with_the_last_update(portal_platform: Platform) -> None:
    with TestClient(create_app(platform=portal_platform)) as client:
        answer = client.get("/api/v1/stats", params={"period": "week"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["period"] == "week"
    assert body["threshold"] == THRESHOLD
    assert body["last_day"] == TODAY.isoformat()
    assert [t["id"] for t in body["tables"]][:2] == [
        "waiting-in-shelters",
        "shelter-occupancy-by-region",
    ]
    assert "updated_at" in body
