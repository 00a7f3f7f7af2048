"""Building blocks for the appointment page tests: a window opened through the services, a run,
and an applicant who asks for an appointment through the pages."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from corredor.allocation.schemas import CapacityIn, RunIn, WindowIn, WindowOut
from corredor.allocation.use_cases import runs, windows
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.platform import Platform
from tests.allocation.conftest import after_close
from tests.case_kit import household_of
from tests.web.signed_in import Visitor, csrf_of, make_account

SITE = "mx-tab-el-ceibo"  # an INM point; the public pages' tests use days 400 to 999 there
_ranges = itertools.count()
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def principal(platform: Platform, role: Role) -> Principal:
    username, user_id = make_account(platform, role)
    agency = {Role.INM_OFFICER: Agency.INM, Role.CASEWORKER: Agency.UNHCR}.get(role)
    return Principal(user_id, username, role, agency)


def household_values(
    platform: Platform, person: Visitor, role: Role = Role.APPLICANT, size: int = 1
) -> list[str]:
    """A new household the visitor may ask for (tests/case_kit.py), as the people question's
    check-boxes name its persons ("case|person")."""
    house = household_of(platform, person.user_id, role, size)
    return [f"{house.case_id}|{person_id}" for person_id in house.people]


@dataclass
class Window:
    platform: Platform
    officer: Principal
    out: WindowOut
    days: list[date]

    @property
    def id(self) -> str:
        return self.out.id

    @property
    def place(self) -> str:
        return f"{self.out.id}|{SITE}"

    def run(self) -> str:
        """Run the window once its published close has passed (on the platform's clock)."""
        with after_close(self.platform, self.out.closes_at), self.platform.db.transaction() as s:
            answer = runs.run_window(self.platform, self.officer, self.id, RunIn()).run(s)
        return str(answer.run_id)

    def reveal(self) -> None:
        with self.platform.db.transaction() as s:
            runs.reveal_seed(self.platform, self.officer, self.id).run(s)


def open_window(platform: Platform, seats: list[int], policy_id: str | None = None) -> Window:
    """A window at SITE over fresh days (windows of one site may not share days)."""
    officer = principal(platform, Role.INM_OFFICER)
    start = date.today() + timedelta(days=1000 + 30 * next(_ranges))
    days = [start + timedelta(days=i) for i in range(len(seats))]
    with platform.db.transaction() as s:
        for day, count in zip(days, seats, strict=True):
            capacity = {"site_id": SITE, "from": day.isoformat(), "seats": count}
            windows.set_capacity(platform, officer, CapacityIn.model_validate(capacity)).run(s)
        body = WindowIn(
            site_ids=[SITE],
            first_day=days[0],
            last_day=days[-1],
            closes_at=datetime.now(UTC) + timedelta(hours=1),
            policy_id=policy_id,
        )
        out = windows.open_window(platform, officer, body).run(s)
    return Window(platform, officer, WindowOut.model_validate(out), days)


def answer(person: Visitor, question: str, data: dict[str, str]) -> str:
    """Answer one question page; the address it sends the person to next."""
    url = f"/appointments/new/q/{question}"
    sent = person.submit(url, url, data)
    assert sent.status_code == 303, (question, sent.status_code, sent.text)
    return str(sent.headers["location"])


def check_form(person: Visitor, lang: str = "en") -> dict[str, str]:
    """The check page's form: its CSRF token and its own form key."""
    page = person.get("/appointments/new/check", lang=lang)
    assert page.status_code == 200, page.text
    found = FORM_KEY.search(page.text)
    assert found
    return {"csrf_token": csrf_of(page.text), "form_key": found.group(1)}


def ask(person: Visitor, window: Window, chosen: list[str]) -> str:
    """Ask for an appointment through the pages for the persons ticked; the new request's id."""
    assert answer(person, "place", {"place": window.place}) == "/appointments/new/q/people"
    assert answer(person, "people", {"person": chosen}) == "/appointments/new/check"
    sent = person.client.post("/appointments/new/check", data=check_form(person))
    assert sent.status_code == 303, sent.text
    location = str(sent.headers["location"])
    assert location.endswith("?done=registered"), location
    return request_of(location)


def request_of(location: str) -> str:
    """The request id in `/appointments/{id}?...`."""
    return location.split("/")[2].split("?", maxsplit=1)[0]
