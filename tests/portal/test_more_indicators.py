"""The indicators added to the portal: people in shelters by sex and age, TVRH cards by border
point, people at each step by nationality, appointment requests and seats by allocation window,
and the screener's use by language and result. Each is an aggregate, protected like the others, and equal to the slow count."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from corredor.allocation.tables import AllocationRun
from corredor.app import create_app
from corredor.cases.tables import StepTally
from corredor.platform import Platform
from corredor.portal import use_cases
from corredor.portal.domain.disclosure import THRESHOLD, protect
from corredor.portal.domain.indicators import SCREENING_RESULTS, SEX_AND_AGE, Period, period_start
from corredor.portal.schemas import PublishedTable
from corredor.screening.tables import ScreenerUse
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS, illustrative_history
from corredor.web.i18n import Formatter
from tests.portal.conftest import (
    FIRST,
    REQUESTS,
    SCREENINGS,
    SEATS,
    TALLIES,
    TODAY,
    WINDOW_DAY,
)
from tests.web.public_kit import officer, tvrh_issued
from tests.web.test_screener import CORRIDOR_FAMILY, csrf, walk


def table(platform: Platform, table_id: str, period: Period = Period.MONTH) -> PublishedTable:
    return next(t for t in use_cases.compute(platform, period).tables if t.id == table_id)


def test_people_in_shelters_by_sex_and_age_are_the_reports_averaged(
    portal_platform: Platform,
) -> None:
    for period in Period:
        found = table(portal_platform, "shelter-people-by-sex-and-age", period)
        starts = [date.fromisoformat(row.key) for row in found.rows]
        person_days: dict[tuple[date, str], int] = defaultdict(int)
        days: dict[date, set[date]] = defaultdict(set)
        for _, day, report in illustrative_history(ILLUSTRATIVE_SHELTERS, FIRST, TODAY):
            start = period_start(day, period)
            for series in SEX_AND_AGE:
                person_days[(start, series.key)] += report.count(series.key)
            days[start].add(day)
        expected = protect(
            [
                [
                    round(person_days[(s, c.key)] / len(days[s]) + 1e-9) if days[s] else 0
                    for c in SEX_AND_AGE
                ]
                for s in starts
            ]
        )
        assert [row.values for row in found.rows] == [
            [expected.cell(r, c) for c in range(len(SEX_AND_AGE))] for r in range(len(starts))
        ]
        assert any(v is not None for row in found.rows for v in row.values)


def test_tvrh_cards_are_counted_by_the_border_point_of_registration(
    portal_platform: Platform,
) -> None:
    inm = officer(portal_platform)
    for n in range(11):
        tvrh_issued(portal_platform, inm, parent=f"Parent {n}", border_point="mx-chp-talisman")
    for n in range(2):
        tvrh_issued(portal_platform, inm, parent=f"Other {n}", border_point="mx-tab-el-ceibo")
    portal_platform.today = date.today  # the cases' events are stamped by the wall clock
    try:
        found = table(portal_platform, "tvrh-by-border-point")
        nationalities = table(portal_platform, "corridor-steps-by-nationality")
    finally:
        portal_platform.today = lambda: TODAY
    points = [point.id for point in portal_platform.reference.inm_border_points]
    assert [row.key for row in found.rows] == points  # every point, even one with none
    by_point = {row.key: (row.values[0], row.region) for row in found.rows}
    assert by_point["mx-chp-talisman"] == (11, "MX-CHP")
    assert by_point["mx-tab-el-ceibo"] == (None, "MX-TAB")  # 2: fewer than 10
    assert by_point["mx-chp-ciudad-hidalgo"] == (None, "MX-CHP")  # 0 is hidden as well
    assert found.total == 13
    # each household is a Haitian parent and child, counted as each step was taken
    haitians = next(row for row in nationalities.rows if row.key == "HT")
    assert nationalities.series[:2] == ["registered", "tvrh_issued"]
    assert haitians.values[:2] == [26, 26]
    with portal_platform.db.transaction() as s:
        tallied = s.execute(
            select(StepTally.state, func.sum(StepTally.people))
            .where(StepTally.nationality == "HT")
            .group_by(StepTally.state)
        )
        assert dict(tallied.all()) == {"registered": 26, "tvrh_issued": 26}


def test_people_by_nationality_are_the_tallies_summed_and_protected(
    portal_platform: Platform,
) -> None:
    found = table(portal_platform, "corridor-steps-by-nationality")
    # the most people first (the walks of this module are stamped after TODAY: not counted)
    assert [row.key for row in found.rows] == ["HN", "VE"]
    steps = found.series
    expected = protect([[TALLIES.get((code, step), 0) for step in steps] for code in ("HN", "VE")])
    assert [row.values for row in found.rows] == [
        [expected.cell(r, c) for c in range(len(steps))] for r in range(2)
    ]
    assert found.rows[0].values[:2] == [120, 100]
    assert found.rows[1].values[2] is None  # 7 Venezuelans applied for parole: fewer than 10


def test_each_drawn_window_shows_its_requests_the_draw_and_its_seats(
    portal_platform: Platform,
) -> None:
    with portal_platform.db.transaction() as s:
        run_id, assigned = s.execute(
            select(AllocationRun.id, AllocationRun.assigned_requests)
        ).one()
    requests = table(portal_platform, "appointment-requests-by-window")
    seats = table(portal_platform, "appointment-seats-by-window")
    (row,) = requests.rows
    assert (row.first_day, row.draw) == (WINDOW_DAY, run_id)
    assert 0 < assigned <= SEATS
    expected = protect([[assigned, REQUESTS - assigned]])
    assert row.values == [expected.cell(0, 0), expected.cell(0, 1)]
    assert row.total == REQUESTS
    assert [r.values for r in seats.rows] == [[SEATS]]
    # a window whose days begin before the periods shown is not in them
    portal_platform.today = lambda: WINDOW_DAY + timedelta(days=400)
    try:
        assert table(portal_platform, "appointment-requests-by-window").rows == []
    finally:
        portal_platform.today = lambda: TODAY
    page = TestClient(create_app(platform=portal_platform), base_url="https://testserver")
    html = page.get("/data", params={"lang": "en"}).text
    assert f'<a href="/allocation/results/{run_id}">' in html  # the published draw


def test_screenings_are_counted_by_language_and_result_and_protected(
    portal_platform: Platform,
) -> None:
    found = table(portal_platform, "screener-use-by-language")
    languages = [row.key for row in found.rows]
    assert languages == ["es", "en", "fr", "ht", "pt", "other"]
    results = [series.key for series in SCREENING_RESULTS]
    counted = [[SCREENINGS.get((lang, result), 0) for result in results] for lang in languages]
    expected = protect(counted)
    assert [row.values for row in found.rows] == [
        [expected.cell(r, c) for c in range(len(results))] for r in range(len(languages))
    ]
    assert found.rows[0].values == [40, 25, 12]
    assert found.rows[3].values[1] is None  # 3 in Haitian Creole: fewer than 10
    assert found.total == sum(SCREENINGS.values())


def test_completing_a_screening_adds_one_to_its_counter_and_keeps_nothing_else(
    portal_platform: Platform,
) -> None:
    def counters() -> list[tuple[object, ...]]:
        with portal_platform.db.transaction() as s:
            return [tuple(r) for r in s.execute(select(ScreenerUse.__table__)).all()]

    before = counters()
    client = TestClient(
        create_app(platform=portal_platform), base_url="https://testserver", follow_redirects=False
    )
    walk(client, CORRIDOR_FAMILY)
    client.get("/screener/check", params={"lang": "pt"})
    done = client.post("/screener/check", data={"csrf_token": csrf(client)})
    assert done.status_code == 303
    after = counters()
    added = set(after) - set(before)
    (day, language, result, count) = next(iter(added))
    assert (day, language, result) == (TODAY, "pt", "eligible")
    assert count == 1 + sum(
        n for d, lang, res, n in before if (d, lang, res) == (day, "pt", result)
    )
    assert len(after) == len(before) + (1 if count == 1 else 0)
    with portal_platform.db.transaction() as s:  # one row per day, language and result: no more
        columns = [c.name for c in ScreenerUse.__table__.columns]
        assert columns == ["day", "language", "result", "count"]
        assert s.scalar(select(func.count()).select_from(ScreenerUse)) == len(after)


def test_the_figures_are_kept_and_computed_again_after_fifteen_minutes(
    portal_platform: Platform,
) -> None:
    clock = portal_platform.now
    start = clock()
    portal_platform.now = lambda: start
    try:
        first = use_cases.refresh(portal_platform)[0]
        assert first.updated_at == start
        portal_platform.now = lambda: start + timedelta(minutes=14)
        kept = use_cases.statistics(portal_platform, first.period)
        assert kept == first  # served as computed, with the time they were computed
        later = start + use_cases.MAX_AGE + timedelta(seconds=1)
        portal_platform.now = lambda: later
        assert use_cases.statistics(portal_platform, first.period).updated_at == later
        client = TestClient(create_app(platform=portal_platform), base_url="https://testserver")
        html = client.get("/data", params={"lang": "en"}).text
        shown = Formatter("en").datetime(later)
        assert f"Last updated: {shown}." in html  # when its figures were computed
        assert "computed again at least every 15 minutes" in html
    finally:
        portal_platform.now = clock
    assert all(
        v is None or v >= THRESHOLD
        for t in use_cases.statistics(portal_platform).tables
        for row in t.rows
        for v in row.values
    )
