"""Real cases for tests that need them: a household registered by an INM officer (its persons'
ids, which an appointment request names), and a case given to caseworkers, as the platform does
it (through the use cases, so the assignment is audited like any other)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from corredor.accounts.schemas import UserIn
from corredor.accounts.users import add_user
from corredor.cases.records import persons_of
from corredor.cases.schemas import AssignmentIn, HouseholdIn, MemberIn, PersonIn
from corredor.cases.use_cases import assignments, registration
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.sharing import use_cases as sharing
from corredor.sharing.schemas import ConsentIn

ASSISTED_SITE = "mx-cmx-assisted-site"


def inm_officer(platform: Platform) -> Principal:
    username = f"inm-kit-{uuid.uuid4().hex[:8]}"
    with platform.db.transaction() as s:
        user = add_user(
            s,
            UserIn(
                username=username,
                password="correct horse battery",
                role=Role.INM_OFFICER,
                agency=Agency.INM,
            ),
        )
    return Principal(user.id, username, Role.INM_OFFICER, Agency.INM)


@dataclass(frozen=True)
class Household:
    case_id: str
    people: list[str]  # the persons' ids, the principal first


def household_case(
    platform: Platform,
    *,
    size: int = 1,
    applicant_user_id: str | None = None,
    consent: bool = False,
    officer: Principal | None = None,
) -> Household:
    """A household of `size` registered at a border point (the persons' ids, in order); with
    `consent`, the person's consent to share with CBP recorded."""
    who = officer or inm_officer(platform)
    body = HouseholdIn(
        border_point_id="mx-chp-ciudad-hidalgo",
        ground="tvrh.ground.asylum-seeker",
        principal=PersonIn(
            name="Ana Kit",
            birth_date=date(1990, 3, 2),
            nationality="HN",
            document_number=f"HN-K{uuid.uuid4().hex[:10].upper()}",
        ),
        members=[
            MemberIn(
                name=f"Kit Child {n}",
                birth_date=date(2015, 1, 1 + n),
                nationality="HN",
                relation="child",
            )
            for n in range(size - 1)
        ],
        documents=["passport"],
        applicant_user_id=applicant_user_id,
    )
    with unit_of_work(platform) as s:
        case = registration.register_household(platform, who, body).run(s)
        if consent:
            given = ConsentIn.model_validate({"fields": ["name", "tvrh"]})
            sharing.record_consent(platform, who, case.id, given).run(s)
        people = [person.id for person in persons_of(s, case.id)]
    return Household(case.id, people)


def assign(
    platform: Platform,
    case_id: str,
    *,
    caseworker_id: str | None = None,
    agency: str | None = None,
    officer: Principal | None = None,
) -> str:
    """Give the case to one caseworker, or to an agency's caseworkers at the assisted site, as
    an INM officer does; the assignment's id."""
    body = AssignmentIn(
        caseworker_id=caseworker_id,
        agency=agency,  # type: ignore[arg-type]
        site_id=ASSISTED_SITE if agency else None,
        reason="the person asked for help at the assisted site",
    )
    who = officer or inm_officer(platform)
    with unit_of_work(platform) as s:
        return assignments.assign_case(platform, who, case_id, body).run(s).id


def household_of(platform: Platform, user_id: str, role: Role, size: int = 1) -> Household:
    """A household the account may ask appointments for: an applicant's own case; for a
    caseworker, a case assigned to them with the person's consent recorded; for an INM officer,
    any case (with consent)."""
    if role is Role.APPLICANT:
        return household_case(platform, size=size, applicant_user_id=user_id)
    house = household_case(platform, size=size, consent=True)
    if role is Role.CASEWORKER:
        assign(platform, house.case_id, caseworker_id=user_id)
    return house
