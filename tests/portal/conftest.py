"""The portal over its own databases (SQLite and PostgreSQL), so that its figures are exactly
those of the history loaded here: the illustrative shelters with 60 days of reports, one
allocation window drawn within the months shown, screenings counted in three languages, and
people tallied per step for two nationalities."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

import pytest
from sqlalchemy import delete

from corredor.allocation.schemas import CapacityIn, RequestIn, RunIn, WindowIn
from corredor.allocation.use_cases import requests, runs, windows
from corredor.cases.tables import CaseEvent, StepTally
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.screening.domain.rules import Outcome
from corredor.screening.use_cases import usage
from corredor.shelters import use_cases as shelters
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS, illustrative_history
from tests.allocation.conftest import after_close
from tests.case_kit import household_case
from tests.platform.conftest import BACKENDS, Databases, build_platform, databases
from tests.web.public_kit import officer

__all__ = ["databases"]
TODAY = date(2026, 11, 20)
FIRST = TODAY - timedelta(days=59)
WINDOW_DAY = TODAY - timedelta(days=20)  # the drawn window's one day of appointments
WINDOW_SITE: Final = "mx-tab-el-ceibo"
SEATS: Final = 12
REQUESTS: Final = 30
# screenings completed: (language, result) -> how many
SCREENINGS: Final = {
    ("es", Outcome.ELIGIBLE): 40,
    ("es", Outcome.UNKNOWN): 25,
    ("es", Outcome.NOT_ELIGIBLE): 12,
    ("ht", Outcome.ELIGIBLE): 15,
    ("ht", Outcome.UNKNOWN): 3,
    ("en", Outcome.NOT_ELIGIBLE): 11,
}


def draw_a_window(platform: Platform, day: date, seats: int, households: int) -> str:
    """A window of one day at one site: `households` requests for `seats` seats, drawn on the
    eve of `day` (the platform's clock moved there and back); the run's id."""
    today, clock = platform.today, platform.now
    platform.today = lambda: day - timedelta(days=7)
    platform.now = lambda: datetime.combine(day - timedelta(days=7), datetime.min.time(), UTC)
    try:
        inm = officer(platform)
        with unit_of_work(platform) as s:
            windows.set_capacity(
                platform, inm, CapacityIn(site_id=WINDOW_SITE, from_day=day, seats=seats)
            ).run(s)
            window = windows.open_window(
                platform,
                inm,
                WindowIn(
                    site_ids=[WINDOW_SITE],
                    first_day=day,
                    last_day=day,
                    opens_at=platform.now(),
                    closes_at=platform.now() + timedelta(hours=1),
                ),
            ).run(s)
        drawn: list[str] = []
        for n in range(households):
            house = household_case(platform, size=1 + n % 3, officer=inm)
            drawn.append(house.case_id)
            with unit_of_work(platform) as s:
                requests.register_request(
                    platform,
                    inm,
                    RequestIn(
                        window_id=window.id,
                        site_id=WINDOW_SITE,
                        case_id=house.case_id,
                        people=house.people,
                    ),
                ).run(s)
        with after_close(platform, window.closes_at), unit_of_work(platform) as s:
            ran = runs.run_window(platform, inm, window.id, RunIn()).run(s)
        with platform.db.transaction() as s:
            # The households exist to be drawn; their registrations (stamped by the wall clock)
            # are not part of the corridor history this module's figures are checked against.
            s.execute(delete(CaseEvent).where(CaseEvent.case_id.in_(drawn)))
            s.execute(delete(StepTally))
    finally:
        platform.today, platform.now = today, clock
    return str(ran.run_id)


# people per step and nationality, as the cases' steps would have tallied them
TALLIES: Final = {
    ("HN", "registered"): 120,
    ("HN", "tvrh_issued"): 100,
    ("HN", "parole_requested"): 60,
    ("HN", "parole_granted"): 45,
    ("HN", "parole_denied"): 4,
    ("VE", "registered"): 80,
    ("VE", "tvrh_issued"): 70,
    ("VE", "parole_requested"): 7,
}


def tally_steps(platform: Platform) -> None:
    with platform.db.transaction() as s:
        s.add_all(
            StepTally(day=TODAY - timedelta(days=3), state=state, nationality=code, people=n)
            for (code, state), n in TALLIES.items()
        )


def count_screenings(platform: Platform) -> None:
    for (language, result), times in SCREENINGS.items():
        for _ in range(times):
            usage.count_completed(platform, language, result)


@pytest.fixture(scope="module", params=BACKENDS)
def portal_platform(request: pytest.FixtureRequest, databases: Databases) -> Platform:
    platform = build_platform(databases.new(request.param))
    platform.today = lambda: TODAY
    shelters.seed_registry(platform)
    shelters.import_history(platform, illustrative_history(ILLUSTRATIVE_SHELTERS, FIRST, TODAY))
    draw_a_window(platform, WINDOW_DAY, SEATS, REQUESTS)
    count_screenings(platform)
    tally_steps(platform)
    return platform
