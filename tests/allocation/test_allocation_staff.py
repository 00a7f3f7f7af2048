"""The staff reads of fair capacity: who set each day's capacity in force, and how many requests
each window holds; both refuse a role without the permission."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from corredor.accounts.schemas import UserIn
from corredor.accounts.users import add_user
from corredor.allocation.schemas import CapacityIn, RequestIn, WindowIn
from corredor.allocation.use_cases import requests, windows
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.errors import Forbidden
from corredor.platform import Platform
from tests.allocation.booking_helpers import SITE, fresh_days
from tests.case_kit import household_case
from tests.platform.conftest import AGENCY, PASSWORD


def account(platform: Platform, role: Role) -> Principal:
    with platform.db.transaction() as s:
        row = add_user(
            s,
            UserIn(
                username=f"{role.value}-{uuid.uuid4().hex[:8]}",
                password=PASSWORD,
                role=role,
                agency=AGENCY.get(role),
            ),
        )
    return Principal(row.id, row.username, role, AGENCY.get(role))


def test_each_day_names_who_set_its_capacity_in_force(session_platform: Platform) -> None:
    p = session_platform
    first, second, third = fresh_days(3)
    one, other = account(p, Role.INM_OFFICER), account(p, Role.INM_OFFICER)
    with p.db.transaction() as s:
        windows.set_capacity(
            p, one, CapacityIn(site_id=SITE, from_day=first, until=second, seats=5)
        ).run(s)
    with p.db.transaction() as s:
        windows.set_capacity(p, other, CapacityIn(site_id=SITE, from_day=second, seats=7)).run(s)
    board = windows.capacity_board(p, one, first, third)
    (site,) = [capacity for capacity in board.capacity if capacity.site_id == SITE]
    changed = site.changed_by
    assert {day: by.username for day, by in changed.items()} == {
        first: one.username,
        second: other.username,  # the later change is the one in force
    }
    assert changed[second].role == "inm_officer"
    assert changed[first].at <= changed[second].at <= datetime.now(UTC)
    with pytest.raises(Forbidden):
        windows.capacity_board(p, account(p, Role.CASEWORKER), first, third)


def test_windows_count_their_requests(session_platform: Platform) -> None:
    p = session_platform
    officer = account(p, Role.INM_OFFICER)
    assert officer.agency is Agency.INM
    (day,) = fresh_days(1)
    with p.db.transaction() as s:
        windows.set_capacity(p, officer, CapacityIn(site_id=SITE, from_day=day, seats=3)).run(s)
        window = windows.open_window(
            p,
            officer,
            WindowIn(
                site_ids=[SITE],
                first_day=day,
                last_day=day,
                closes_at=datetime.now(UTC) + timedelta(hours=1),
            ),
        ).run(s)
    for _ in range(4):
        house = household_case(p)
        body = RequestIn(
            window_id=window.id, site_id=SITE, case_id=house.case_id, people=house.people
        )
        with p.db.transaction() as s:
            requests.register_request(p, officer, body).run(s)
    board = windows.window_board(p, officer)
    counts = {line.window.id: line.requests for line in board.windows}
    with pytest.raises(Forbidden):
        windows.window_board(p, account(p, Role.APPLICANT))
    assert counts[window.id] == 4
