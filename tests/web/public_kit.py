"""Building blocks for the public verifier and allocation results tests: a real document issued
through the corridor's use cases, a tampered copy, and a real allocation run."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

from corredor.allocation.schemas import CapacityIn, RequestIn, RunIn, WindowIn
from corredor.allocation.use_cases import requests, runs, windows
from corredor.cases.schemas import HouseholdIn, MemberIn, PersonIn
from corredor.cases.use_cases import registration, tvrh
from corredor.documents import issuance
from corredor.documents.credentials import jws
from corredor.identity.use_cases import capture_photo_step
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from tests.allocation.conftest import after_close
from tests.case_kit import household_case
from tests.web.signed_in import make_account

ALLOCATION_SITE = "mx-tab-el-ceibo"  # a border point no other web test books


def officer(platform: Platform) -> Principal:
    username, user_id = make_account(platform, Role.INM_OFFICER)
    return Principal(user_id, username, Role.INM_OFFICER, Agency.INM)


def tvrh_issued(
    platform: Platform,
    inm: Principal,
    *,
    parent: str = "Jean Baptiste",
    child: str = "Rose Baptiste",
    border_point: str = "mx-chp-talisman",
    applicant_user_id: str | None = None,
    photo: bytes | None = None,
) -> str:
    """A Haitian parent and a three-year-old registered by INM and given their TVRH: the case.
    With `photo`, the desk photographs the parent (with consent) before the card is issued."""
    household = HouseholdIn(
        border_point_id=border_point,
        ground="tvrh.ground.asylum-seeker",
        principal=PersonIn(
            name=parent,
            birth_date=date(1988, 5, 4),
            nationality="HT",
            document_number=f"HT-V{uuid.uuid4().hex[:8].upper()}",
        ),
        members=[
            MemberIn(
                name=child,
                birth_date=date(date.today().year - 3, 1, 9),
                nationality="HT",
                relation="child",
            )
        ],
        documents=["passport"],
        applicant_user_id=applicant_user_id,
    )
    with unit_of_work(platform) as s:
        case = registration.register_household(platform, inm, household).run(s)
        if photo is not None:
            capture_photo_step(platform, inm, case.id, 0, data=photo, consent=True)(s)
        decided = tvrh.decide_tvrh(platform, inm, case.id).run(s)
    assert decided.state == "tvrh_issued", decided.decisions
    return case.id


def issued_tvrh_card(platform: Platform, photo: bytes | None = None) -> tuple[str, str]:
    """A household registered and given its TVRH: (case id, the first member's QR content)."""
    inm = officer(platform)
    case_id = tvrh_issued(platform, inm, photo=photo)
    with platform.db.transaction() as s:
        cards = issuance.case_documents(platform, s, inm, case_id)
    return case_id, cards[0].credential


def tampered(token: str) -> str:
    """The same card with its validity stretched by a forger: the signature no longer holds."""
    header, payload, signature = token.split(".")
    claims = json.loads(jws.b64decode(payload))
    claims["vu"] = "2099-12-31"
    return f"{header}.{jws.b64encode(jws.canonical_json(claims))}.{signature}"


def allocation_run_made(platform: Platform, days_ahead: int) -> str:
    """A window at one site, 7 requests (1-3 people, one urgent) for 4 seats, run and revealed."""
    inm = officer(platform)
    first = date.today() + timedelta(days=days_ahead)
    with platform.db.transaction() as s:
        windows.set_capacity(
            platform, inm, CapacityIn(site_id=ALLOCATION_SITE, from_day=first, seats=4)
        ).run(s)
        window = windows.open_window(
            platform,
            inm,
            WindowIn(
                site_ids=[ALLOCATION_SITE],
                first_day=first,
                last_day=first,
                closes_at=datetime.now(UTC) + timedelta(hours=1),
            ),
        ).run(s)
    for n in range(7):
        house = household_case(platform, size=1 + n % 3)
        body = RequestIn(
            window_id=window.id,
            site_id=ALLOCATION_SITE,
            case_id=house.case_id,
            people=house.people,
            urgent=n == 2,
        )
        with platform.db.transaction() as s:
            requests.register_request(platform, inm, body).run(s)
    with after_close(platform, window.closes_at), platform.db.transaction() as s:
        ran = runs.run_window(platform, inm, window.id, RunIn()).run(s)
        runs.reveal_seed(platform, inm, window.id).run(s)
    return str(ran.run_id)
