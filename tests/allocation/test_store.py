"""The database keeps the booking guarantees by itself, and a stored run re-runs to its result."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from corredor.accounts.schemas import UserIn
from corredor.accounts.users import add_user
from corredor.allocation.domain.lottery import commitment
from corredor.allocation.schemas import CapacityIn, RequestIn, RunIn, WindowIn
from corredor.allocation.tables import (
    AllocationRequest,
    AllocationRequestPerson,
    AllocationRunEntry,
    AllocationSeat,
    AllocationWindow,
)
from corredor.allocation.use_cases import requests, runs, windows
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.errors import InvalidInput
from corredor.platform import Platform
from tests.allocation.booking_helpers import SITE, fresh_days
from tests.allocation.conftest import after_close
from tests.case_kit import household_case
from tests.platform.conftest import PASSWORD


@pytest.fixture
def officer(session_platform: Platform) -> Principal:
    with session_platform.db.transaction() as s:
        row = add_user(
            s,
            UserIn(
                username=f"inm-{uuid.uuid4().hex[:8]}",
                password=PASSWORD,
                role=Role.INM_OFFICER,
                agency=Agency.INM,
            ),
        )
    return Principal(row.id, row.username, Role.INM_OFFICER, Agency.INM)


@pytest.fixture
def run_id(session_platform: Platform, officer: Principal) -> str:
    """A run of 12 households of one to three people for 9 seats over two days."""
    p = session_platform
    days = fresh_days(2)
    with p.db.transaction() as s:
        for day, seats in zip(days, (5, 4), strict=True):
            windows.set_capacity(
                p, officer, CapacityIn(site_id=SITE, from_day=day, seats=seats)
            ).run(s)
        window = windows.open_window(
            p,
            officer,
            WindowIn(
                site_ids=[SITE],
                first_day=days[0],
                last_day=days[1],
                closes_at=datetime.now(UTC) + timedelta(hours=1),
            ),
        ).run(s)
    for n in range(12):
        house = household_case(p, size=1 + n % 3)
        body = RequestIn(
            window_id=window.id,
            site_id=SITE,
            case_id=house.case_id,
            people=house.people,
            urgent=n == 5,
        )
        with p.db.transaction() as s:
            requests.register_request(p, officer, body).run(s)
    with after_close(p, window.closes_at), p.db.transaction() as s:
        ran = runs.run_window(p, officer, window.id, RunIn()).run(s)
        runs.reveal_seed(p, officer, window.id).run(s)
    run: str = ran.run_id
    return run


def test_a_stored_run_re_runs_to_its_result(session_platform: Platform, run_id: str) -> None:
    report = runs.verify_run(session_platform, run_id)
    assert report.match, report.problems
    assert report.assigned_requests > 0


def test_a_changed_entry_is_found_by_the_re_run(session_platform: Platform, run_id: str) -> None:
    with session_platform.db.transaction() as s:
        seated = (
            s.execute(
                select(AllocationRunEntry).where(
                    AllocationRunEntry.run_id == run_id, AllocationRunEntry.day.is_not(None)
                )
            )
            .scalars()
            .first()
        )
        assert seated is not None
        seated.urgent = not seated.urgent
    report = runs.verify_run(session_platform, run_id)
    assert not report.match
    assert any(problem.startswith("requests_sha256") for problem in report.problems)


def test_a_seat_is_never_held_twice(session_platform: Platform, run_id: str) -> None:
    with session_platform.db.transaction() as s:
        seat = (
            s.execute(
                select(AllocationSeat).where(AllocationSeat.run_id == run_id, AllocationSeat.active)
            )
            .scalars()
            .first()
        )
        assert seat is not None
        other = s.execute(
            select(AllocationRequest.id).where(AllocationRequest.id != seat.request_id).limit(1)
        ).scalar_one()
        copy = {
            "run_id": run_id,
            "holder": 0,
            "site_id": seat.site_id,
            "day": seat.day,
            "pool": "open",
        }
        copy |= {"seat_number": seat.seat_number, "given_at": datetime.now(UTC)}
    with pytest.raises(IntegrityError), session_platform.db.transaction() as s:
        s.add(AllocationSeat(request_id=other, active=True, **copy))
    with session_platform.db.transaction() as s:  # released history may repeat a seat
        s.add(AllocationSeat(request_id=other, active=False, **copy))
    twin = copy | {"seat_number": 10_000, "holder": seat.holder}
    with pytest.raises(IntegrityError), session_platform.db.transaction() as s:
        s.add(AllocationSeat(request_id=seat.request_id, active=True, **twin))


def test_a_person_is_in_one_active_request(session_platform: Platform, run_id: str) -> None:
    with session_platform.db.transaction() as s:
        held = s.execute(
            select(AllocationRequestPerson).where(AllocationRequestPerson.active).limit(1)
        ).scalar_one()
        key, request_id = held.person_key, held.request_id
    with pytest.raises(IntegrityError), session_platform.db.transaction() as s:
        s.add(
            AllocationRequestPerson(request_id=request_id, position=9, person_key=key, active=True)
        )
    with session_platform.db.transaction() as s:
        s.add(
            AllocationRequestPerson(request_id=request_id, position=9, person_key=key, active=False)
        )
        count = s.execute(
            select(func.count()).where(AllocationRequestPerson.person_key == key)
        ).scalar_one()
    assert count == 2


def test_the_seed_stays_secret_until_revealed(
    session_platform: Platform, officer: Principal
) -> None:
    p = session_platform
    day = fresh_days(1)[0]
    with p.db.transaction() as s:
        window = windows.open_window(p, officer, window_for(day)).run(s)
        row = s.get(AllocationWindow, window.id)
        assert row is not None and row.seed is None
        assert row.seed_enc is not None and row.seed_enc.startswith("dev-1:")
    assert window.seed is None


def test_an_operator_seed_must_match_its_commitment(
    session_platform: Platform, officer: Principal
) -> None:
    p = session_platform
    day = fresh_days(1)[0]
    seed = bytes(range(32))
    with p.db.transaction() as s:
        window = windows.open_window(
            p, officer, window_for(day).model_copy(update={"seed_commitment": commitment(seed)})
        ).run(s)
    for given in (None, "ff" * 32):
        with (
            after_close(p, window.closes_at),
            pytest.raises(InvalidInput) as refused,
            p.db.transaction() as s,
        ):
            runs.run_window(p, officer, window.id, RunIn(seed=given)).run(s)
        assert refused.value.field == "seed"
    with after_close(p, window.closes_at), p.db.transaction() as s:
        runs.run_window(p, officer, window.id, RunIn(seed=seed.hex())).run(s)
        revealed = runs.reveal_seed(p, officer, window.id).run(s)
    assert revealed.seed == seed.hex()


def window_for(day: date) -> WindowIn:
    return WindowIn(
        site_ids=[SITE],
        first_day=day,
        last_day=day,
        closes_at=datetime.now(UTC) + timedelta(hours=1),
    )
