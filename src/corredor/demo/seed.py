"""Seeding the demo: each step is a use case of the platform, acting as the demo account whose
job it is (so the audit log reads as it would in service), in one unit of work per part, so a
restart adds only what is missing."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from importlib import resources

from sqlalchemy import select

from corredor.accounts.schemas import UserIn
from corredor.accounts.tables import User
from corredor.accounts.users import add_user, principal_named
from corredor.allocation.schemas import CapacityIn, RequestIn, RunIn, WindowIn
from corredor.allocation.tables import AllocationRun, AllocationWindow
from corredor.allocation.use_cases import requests, runs, windows
from corredor.cases.schemas import (
    AssignmentIn,
    HouseholdIn,
    MemberIn,
    ParoleApplicationIn,
    PersonIn,
)
from corredor.cases.tables import Case
from corredor.cases.use_cases import assignments, parole, registration, tvrh
from corredor.identity import use_cases as identity
from corredor.kernel.errors import Conflict
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.screening.domain.rules import Outcome
from corredor.screening.use_cases import usage
from corredor.sharing import use_cases as sharing
from corredor.sharing.domain.disclosure import DisclosableField
from corredor.sharing.schemas import ConsentIn, DisclosureIn
from corredor.shelters import use_cases as shelters
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS, illustrative_history
from corredor.web.demo import DEMO_PASSWORD, DEMO_USERS

DEMO_SITE = "mx-cmx-assisted-site"  # CBP's assisted site in Mexico City
DEMO_SHELTER = ("tapachula-centro", "albergue.tapachula")  # the shelter and its demo staff
HISTORY_DAYS = 120  # four months of occupancy, so the portal draws real charts
APPLICANT = "marie"  # the demo applicant, whose family is the sample case
SHARED = [
    DisclosableField.NAME,
    DisclosableField.BIRTH_DATE,
    DisclosableField.NATIONALITY,
    DisclosableField.DOCUMENT_NUMBER,
    DisclosableField.HOUSEHOLD,
    DisclosableField.TVRH,
]


def seed_demo_users(platform: Platform) -> None:
    """Every role's demo account; an account that exists already is left as it is."""
    with unit_of_work(platform) as session:
        for username, role, agency in DEMO_USERS:
            try:
                with session.begin_nested():
                    add_user(
                        session,
                        UserIn(username=username, password=DEMO_PASSWORD, role=role, agency=agency),
                    )
            except Conflict:
                continue


def prepare_demo(platform: Platform) -> None:
    """Demo accounts, one sample case and an open request window; run again (a restart), it
    adds only what is missing."""
    seed_demo_users(platform)
    if not demo_applicant_has_a_case(platform):
        seed_sample_case(platform)
    if not a_window_is_open(platform):
        open_demo_window(platform)
    seed_demo_shelters(platform)
    seed_demo_portal(platform)


def seed_demo_portal(platform: Platform) -> None:
    """What the portal's other charts need: a window drawn three weeks ago, and four months of
    made-up screener use (both illustrative, like the shelters' history)."""
    if not a_window_was_drawn(platform):
        draw_demo_window(platform, platform.today() - timedelta(days=21))
    if usage.held(platform) == 0:
        usage.add_counts(platform, illustrative_screenings(platform.today(), HISTORY_DAYS))


def illustrative_screenings(last: date, days: int) -> dict[tuple[date, str, Outcome], int]:
    """A made-up daily count per language and result, most in Spanish and Haitian Creole."""
    chosen = random.Random(2026)
    weights = {"es": 12, "ht": 8, "en": 3, "fr": 2, "pt": 2}
    return {
        (last - timedelta(days=d), language, result): chosen.randint(0, 2 * weight)
        for d in range(days)
        for language, weight in weights.items()
        for result in Outcome
    }


# Illustrative households for the demo's past draw: made-up names, as the demo's other people.
DEMO_GIVEN = ("Ana", "José", "Marie", "Wilner", "Yesenia", "Carlos", "Rose", "Kevin", "Lucía")
DEMO_SURNAMES = ("Orellana", "Joseph", "Mejía", "Pierre", "Zelaya", "Cruz", "Louis", "Barahona")


def _illustrative_household(chosen: random.Random, n: int) -> HouseholdIn:
    """The n-th made-up household of the demo draw: a principal and up to two children, each
    with a name and birth date of their own (so the matching finds no one twice)."""
    surname = f"{chosen.choice(DEMO_SURNAMES)} {chosen.choice(DEMO_SURNAMES)}"
    born = date(1970, 1, 1) + timedelta(days=chosen.randrange(365 * 30))
    children = [
        MemberIn(
            name=f"{chosen.choice(DEMO_GIVEN)} {surname}",
            birth_date=date(2010, 1, 1) + timedelta(days=chosen.randrange(365 * 14)),
            nationality="HN",
            relation="child",
        )
        for _ in range(n % 3)
    ]
    return HouseholdIn(
        border_point_id="mx-chp-ciudad-hidalgo",
        ground="tvrh.ground.asylum-seeker",
        principal=PersonIn(
            name=f"{chosen.choice(DEMO_GIVEN)} {surname}", birth_date=born, nationality="HN"
        ),
        members=children,
        documents=["passport"],
    )


def draw_demo_window(platform: Platform, day: date) -> None:
    """30 seats at the Mexico City site on `day`, 45 illustrative households registered at the
    border and entered in the lottery by the INM officer, drawn a week before, once the window
    had closed: the platform's clocks are moved there and put back."""
    today, clock = platform.today, platform.now
    then = datetime.combine(day - timedelta(days=7), datetime.min.time(), UTC)
    platform.today, platform.now = then.date, (lambda: then)
    chosen = random.Random(day.toordinal())
    try:
        with unit_of_work(platform) as s:
            cbp = principal_named(s, "cbp.cdmx")
            inm = principal_named(s, "inm.hidalgo")  # an INM officer may enter any case
            capacity = CapacityIn.model_validate({"site_id": DEMO_SITE, "from": day, "seats": 30})
            windows.set_capacity(platform, cbp, capacity).run(s)
            window = windows.open_window(
                platform,
                cbp,
                WindowIn(
                    site_ids=[DEMO_SITE],
                    first_day=day,
                    last_day=day,
                    opens_at=then,
                    closes_at=then + timedelta(hours=1),
                ),
            ).run(s)
            for n in range(45):
                case = registration.register_household(
                    platform, inm, _illustrative_household(chosen, n)
                ).run(s)
                request = RequestIn(
                    window_id=window.id,
                    site_id=DEMO_SITE,
                    case_id=case.id,
                    people=[person.id for person in case.persons],
                )
                requests.register_request(platform, inm, request).run(s)
            after = then + timedelta(hours=2)  # drawn after the published close
            platform.now = lambda: after
            runs.run_window(platform, cbp, window.id, RunIn()).run(s)
    finally:
        platform.today, platform.now = today, clock


def a_window_was_drawn(platform: Platform) -> bool:
    with unit_of_work(platform) as session:
        return session.scalar(select(AllocationRun.id).limit(1)) is not None


def seed_demo_shelters(platform: Platform) -> None:
    """The illustrative shelters, the demo shelter staff at Tapachula, and four months of
    made-up occupancy up to yesterday (today is left for the demo staff to record)."""
    shelters.seed_registry(platform)
    shelters.assign_staff(platform, *DEMO_SHELTER)
    if shelters.reports_held(platform) == 0:
        last = platform.today() - timedelta(days=1)
        first = last - timedelta(days=HISTORY_DAYS - 1)
        shelters.import_history(platform, illustrative_history(ILLUSTRATIVE_SHELTERS, first, last))


def seed_sample_case(platform: Platform) -> str:
    """Marie-Claude Joseph and her children (4 and 9), registered at Ciudad Hidalgo, her photo
    taken at the desk with her consent, and given their TVRH; she consents to share with CBP,
    INM discloses, she applies for parole, and the case is given to UNHCR's caseworkers at the
    assisted site."""
    today = platform.today()
    with unit_of_work(platform) as s:
        inm = principal_named(s, "inm.hidalgo")
        marie = principal_named(s, APPLICANT)
        household = demo_household(marie.user_id, today)
        # each step's command, run inside this one unit of work: the case appears whole or not
        case_id = registration.register_household(platform, inm, household).run(s).id
        # her photo, taken at the desk with her consent, before her card is issued
        photo = identity.capture_photo_step(
            platform, inm, case_id, 0, data=demo_portrait(), consent=True
        )
        photo(s)
        tvrh.decide_tvrh(platform, inm, case_id).run(s)
        consent = sharing.record_consent(platform, marie, case_id, ConsentIn(fields=SHARED)).run(s)
        disclosure = DisclosureIn(consent_id=consent.id, fields=SHARED)
        sharing.create_disclosure(platform, inm, case_id, disclosure).run(s)
        application = ParoleApplicationIn(channel="app")
        parole.apply_parole(platform, marie, case_id, application).run(s)
        # she asked for help at the assisted site: the demo's UNHCR caseworkers there may act
        help_there = AssignmentIn(
            agency="UNHCR", site_id=DEMO_SITE, reason="asked for help at the assisted site"
        )
        assignments.assign_case(platform, inm, case_id, help_there).run(s)
    return case_id


def demo_portrait() -> bytes:
    """The demo holder's photo: a public-domain NASA portrait shipped with the package
    (`corredor/data/demo/README.md`), never a real applicant's face."""
    return resources.files("corredor").joinpath("data/demo/portrait.jpg").read_bytes()


def demo_household(applicant_user_id: str, today: date) -> HouseholdIn:
    """Marie-Claude Joseph and her children, 4 and 9 years old, at Ciudad Hidalgo: the family
    of the sample case and of `corredor demo`'s walk."""
    return HouseholdIn(
        border_point_id="mx-chp-ciudad-hidalgo",
        ground="tvrh.ground.asylum-seeker",
        principal=PersonIn(
            name="Marie-Claude Joseph",
            birth_date=date(1992, 4, 11),
            nationality="HT",
            document_number=f"HT-DEMO-{uuid.uuid4().hex[:6].upper()}",
        ),
        members=[
            MemberIn(
                name="Wesley Joseph",
                birth_date=date(today.year - 4, 3, 2),
                nationality="HT",
                relation="child",
            ),
            MemberIn(
                name="Nadège Joseph",
                birth_date=date(today.year - 9, 7, 20),
                nationality="HT",
                relation="child",
            ),
        ],
        documents=["passport"],
        applicant_user_id=applicant_user_id,
    )


def open_demo_window(platform: Platform) -> None:
    """40 seats a day at the Mexico City site for two weeks from next week, and a request window
    that closes in seven days (so the appointment pages have one)."""
    first = platform.today() + timedelta(days=8)
    with unit_of_work(platform) as s:
        cbp = principal_named(s, "cbp.cdmx")
        windows.set_capacity(
            platform,
            cbp,
            CapacityIn.model_validate(
                {
                    "site_id": DEMO_SITE,
                    "from": first,
                    "until": first + timedelta(days=13),
                    "seats": 40,
                }
            ),
        ).run(s)
        windows.open_window(
            platform,
            cbp,
            WindowIn(
                site_ids=[DEMO_SITE],
                first_day=first,
                last_day=first + timedelta(days=13),
                closes_at=platform.now() + timedelta(days=7),
            ),
        ).run(s)


def a_window_is_open(platform: Platform) -> bool:
    with unit_of_work(platform) as session:
        found = session.scalar(
            select(AllocationWindow.id).where(AllocationWindow.state == "open").limit(1)
        )
    return found is not None


def demo_applicant_has_a_case(platform: Platform) -> bool:
    with unit_of_work(platform) as session:
        found = session.scalar(
            select(Case.id)
            .join(User, User.id == Case.applicant_user_id)
            .where(User.username == APPLICANT)
        )
    return found is not None
