"""`requests.my_requests_overview`: a person's own requests, in the scope `visible_request` gives
them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corredor.allocation.schemas import CapacityIn, RequestIn, WindowIn
from corredor.allocation.use_cases import requests, windows
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.errors import Forbidden, NotFound
from corredor.platform import Platform
from tests.allocation.booking_helpers import SITE, fresh_days
from tests.case_kit import assign, household_case, household_of
from tests.web.signed_in import make_account


def principal(platform: Platform, role: Role, agency: Agency | None = None) -> Principal:
    username, user_id = make_account(platform, role)
    return Principal(user_id, username, role, agency)


def test_a_person_lists_the_requests_made_by_them_or_for_them_and_no_others(
    session_platform: Platform,
) -> None:
    platform = session_platform
    officer = principal(platform, Role.INM_OFFICER, Agency.INM)
    marie, jean = principal(platform, Role.APPLICANT), principal(platform, Role.APPLICANT)
    worker = principal(platform, Role.CASEWORKER, Agency.UNHCR)
    (day,) = fresh_days(1)
    with platform.db.transaction() as s:
        windows.set_capacity(
            platform, officer, CapacityIn.model_validate({"site_id": SITE, "from": day, "seats": 2})
        ).run(s)
        window = windows.open_window(
            platform,
            officer,
            WindowIn(
                site_ids=[SITE],
                first_day=day,
                last_day=day,
                closes_at=datetime.now(UTC) + timedelta(hours=1),
            ),
        ).run(s)

    def register(who: Principal, **extra: str) -> str:
        house = household_of(platform, who.user_id, who.role)
        if "applicant_user_id" in extra:  # a caseworker, for a case of this applicant's
            house = household_case(
                platform, applicant_user_id=extra["applicant_user_id"], consent=True
            )
            assign(platform, house.case_id, caseworker_id=who.user_id)
        body = RequestIn(
            window_id=window.id, site_id=SITE, case_id=house.case_id, people=house.people, **extra
        )
        with platform.db.transaction() as s:
            answer = requests.register_request(platform, who, body).run(s)
        return str(answer.id)

    own = register(marie)
    for_her = register(worker, applicant_user_id=marie.user_id)  # a caseworker, for Marie
    theirs = register(jean)

    listed = [r.id for r in requests.my_requests_overview(platform, marie).requests]
    assert listed == [for_her, own]  # newest first
    for request_id in listed:  # each one her status page may open
        assert requests.read_request(platform, marie, request_id).id == request_id
    with pytest.raises(NotFound):
        requests.read_request(platform, marie, theirs)
    assert [r.id for r in requests.my_requests_overview(platform, jean).requests] == [theirs]
    assert [r.id for r in requests.my_requests_overview(platform, worker).requests] == [for_her]
    assert requests.my_requests_overview(platform, marie).requests[0].status == "registered"
    with pytest.raises(Forbidden):
        requests.my_requests_overview(platform, principal(platform, Role.AUDITOR))
