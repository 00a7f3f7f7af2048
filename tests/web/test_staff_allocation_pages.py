"""The staff pages of fair capacity over the real platform (SQLite and PostgreSQL): capacity set
through the form, stored and audited; errors named by field with the input kept; a window opened,
filled, run and its seed revealed through the pages, the re-run matching; an officer of the
other agency refused; applicants and caseworkers refused every page; Spanish and English."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from corredor.allocation.schemas import CapacityIn, RequestIn
from corredor.allocation.use_cases import requests, runs, windows
from corredor.app import create_app
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.tables import AuditEntry
from corredor.platform import Platform
from corredor.web.i18n import Formatter
from tests.allocation.conftest import after_close
from tests.case_kit import household_case
from tests.web.signed_in import Visitor, csrf_of, error_links

SITE = "mx-chp-frontera-corozal"  # an INM border point
SITE_NAME = "Frontera Corozal"
CBP_SITE = "mx-cmx-assisted-site"
_ranges = itertools.count()


def fresh_day() -> date:
    """A first day no other window at the site uses (windows of one site may not share days)."""
    return date.today() + timedelta(days=2300 + 9 * next(_ranges))


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


@pytest.fixture
def clients(platform: Platform) -> Iterator[list[TestClient]]:
    made: list[TestClient] = []
    yield made
    for client in made:
        client.close()


def visitor(platform: Platform, clients: list[TestClient], role: Role) -> Visitor:
    # https: the cookies are Secure, and a client sends them only over https
    client = TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    )
    clients.append(client)
    return Visitor(client).sign_in(platform, role)


def principal(person: Visitor, role: Role, agency: Agency) -> Principal:
    return Principal(person.user_id, person.username, role, agency)


def dated(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}day": str(day.day),
        f"{prefix}month": str(day.month),
        f"{prefix}year": str(day.year),
    }


def capacity_form(first: date, last: date | None, seats: str, **quotas: str) -> dict[str, str]:
    form = {"site": SITE, **dated("from-", first), "seats": seats}
    if last is not None:
        form |= dated("until-", last)
    return form | {f"quota-{cohort.replace('_', '-')}": n for cohort, n in quotas.items()}


def window_form(first: date, last: date, site: str = SITE) -> dict[str, Any]:
    tomorrow = date.today() + timedelta(days=1)
    return {
        "sites": [site],
        **dated("first-", first),
        **dated("last-", last),
        **dated("closes-", tomorrow),
        "closes-time": "18:00",
    }


def stored(platform: Platform, first: date, last: date, site: str = SITE) -> list[Any]:
    return windows.capacity(platform, site, first, last)


def audited(platform: Platform, action: str) -> AuditEntry:
    with platform.db.transaction() as s:
        entry = s.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc())
        ).scalar()
        assert entry is not None
        s.expunge(entry)
        return entry


def test_an_inm_officer_sets_capacity_through_the_form_stored_and_audited(
    platform: Platform, clients: list[TestClient]
) -> None:
    inm = visitor(platform, clients, Role.INM_OFFICER)
    first = fresh_day()
    last = first + timedelta(days=2)
    saved = inm.submit(
        "/staff/capacity?lang=en",
        "/staff/capacity",
        capacity_form(first, last, "1,450", phase_1="600"),
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/staff/capacity?from={first.isoformat()}&done=capacity"

    days = stored(platform, first, last)
    assert [(d.day, d.seats, d.quotas) for d in days] == [
        (first + timedelta(days=n), 1450, {"phase-1": 600}) for n in range(3)
    ]
    entry = audited(platform, "allocation:capacity:update")
    assert entry.actor_id == inm.user_id
    assert entry.detail["site"] == SITE
    assert entry.detail["seats"] == 1450
    assert entry.detail["before"] == {}

    page = inm.get(saved.headers["location"])
    assert "Capacity saved" in page.text
    assert page.text.count(f"<td>{SITE_NAME}</td>") == 3
    assert page.text.count(inm.username) >= 3  # who made the change in force, day by day
    assert Formatter("en").date(first) in page.text
    assert "<code>phase-1</code>: 600" in page.text

    # a second change replaces the seats, and the audit keeps what it replaced
    again = inm.submit("/staff/capacity", "/staff/capacity", capacity_form(first, None, "900"))
    assert again.status_code == 303
    assert [d.seats for d in stored(platform, first, last)] == [900, 1450, 1450]
    replaced = audited(platform, "allocation:capacity:update")
    assert replaced.detail["before"] == {
        first.isoformat(): {"seats": 1450, "quotas": {"phase-1": 600}}
    }


@pytest.mark.parametrize(
    ("lang", "until_message", "quota_message"),
    [
        (
            "en",
            "The last day must not be before the first day",
            "The seats reserved for groups add up to more than the seats a day",
        ),
        (
            "es",
            "El último día no puede ser anterior al primero",
            "Los asientos reservados para grupos suman más que los asientos del día",
        ),
    ],
)
def test_a_bad_quota_or_date_range_names_the_field_and_keeps_the_input(
    platform: Platform,
    clients: list[TestClient],
    lang: str,
    until_message: str,
    quota_message: str,
) -> None:
    inm = visitor(platform, clients, Role.INM_OFFICER)
    first = fresh_day()
    form = capacity_form(first, first - timedelta(days=3), "40", phase_1="55")
    answer = inm.submit(f"/staff/capacity?lang={lang}", "/staff/capacity", form)
    assert answer.status_code == 400
    assert f'<html lang="{lang}">' in answer.text
    assert error_links(answer.text) == ["until-day", "quota-phase-1"]
    assert until_message in answer.text
    assert quota_message in answer.text
    assert 'id="seats" name="seats" inputmode="numeric" autocomplete="off" value="40"' in (
        answer.text
    )
    assert 'value="55"' in answer.text
    assert f'<option value="{SITE}" selected>' in answer.text
    assert (
        f'id="from-year" name="from-year" inputmode="numeric" maxlength="4" autocomplete="off" value="{first.year}"'
        in answer.text
    )
    assert stored(platform, first - timedelta(days=3), first) == []

    missing = inm.submit(
        "/staff/capacity", "/staff/capacity", {"site": "", "seats": "many", "quota-phase-1": "-1"}
    )
    assert error_links(missing.text) == ["site", "from-day", "seats", "quota-phase-1"]


def test_a_window_is_opened_filled_run_and_revealed_and_its_re_run_matches(  # noqa: PLR0915 - one story, top to bottom
    platform: Platform, clients: list[TestClient]
) -> None:
    inm = visitor(platform, clients, Role.INM_OFFICER)
    first = fresh_day()
    last = first + timedelta(days=1)
    set_days = inm.submit("/staff/capacity", "/staff/capacity", capacity_form(first, last, "3"))
    assert set_days.status_code == 303

    opened = inm.submit(
        "/staff/allocation/windows?lang=en", "/staff/allocation/windows", window_form(first, last)
    )
    assert opened.status_code == 303, opened.text
    window_id = opened.headers["location"].split("opened=")[1]
    committed = windows.window(platform, window_id).seed_commitment
    page = inm.get(opened.headers["location"])
    assert "The window is open. Publish its seed commitment now" in page.text
    assert f'<code class="code-block">{committed}</code>' in page.text
    assert audited(platform, "allocation:window:open").detail["window"] == window_id

    officer = principal(inm, Role.INM_OFFICER, Agency.INM)
    for n in range(7):
        house = household_case(platform, size=1 + n % 2)
        body = RequestIn(
            window_id=window_id,
            site_id=SITE,
            case_id=house.case_id,
            people=house.people,
            urgent=n == 3,
        )
        with platform.db.transaction() as s:
            requests.register_request(platform, officer, body).run(s)
    listing = inm.get("/staff/allocation/windows").text
    section = listing.split(f'id="window-{window_id}"')[1].split("</section>")[0]
    assert "Open for requests" in section
    assert '<dd class="summary-list__value">7</dd>' in section
    # before its published close the page offers an early close, not the run
    assert f'action="/staff/allocation/windows/{window_id}/run"' not in section
    assert f'action="/staff/allocation/windows/{window_id}/early-close"' in section

    with after_close(platform, windows.window(platform, window_id).closes_at):
        listing = inm.get("/staff/allocation/windows").text
        section = listing.split(f'id="window-{window_id}"')[1].split("</section>")[0]
        assert "Closed for requests: ready to run" in section
        assert f'action="/staff/allocation/windows/{window_id}/run"' in section
        ran = inm.submit(
            "/staff/allocation/windows", f"/staff/allocation/windows/{window_id}/run", {"seed": ""}
        )
    assert ran.status_code == 303, ran.text
    run_url = ran.headers["location"]
    run_id = run_url.split("/")[-1].split("?")[0]
    assert run_url.endswith("?done=run")
    results = runs.results(platform, run_id)
    run_page = inm.get(run_url).text
    assert "The allocation has run. These are its counts." in run_page
    assert "The seed is not revealed yet" in run_page
    assert f'action="/staff/allocation/windows/{window_id}/seed-reveal"' in run_page
    seated = sum(c.assigned_requests for c in results.counts)
    assert seated == results.assigned_requests > 0
    urgent = next(c for c in results.counts if c.tier == "urgent")
    assert (
        f'<tr><th scope="row">Urgent medical or protection need</th><td>{urgent.requests}</td>'
        in run_page
    )
    assert "The re-run matches" not in run_page  # not before the seed is out

    revealed = inm.submit(run_url, f"/staff/allocation/windows/{window_id}/seed-reveal", {})
    assert revealed.status_code == 303
    assert revealed.headers["location"] == f"/staff/allocation/runs/{run_id}?done=revealed"
    shown = inm.get(revealed.headers["location"]).text
    seed = windows.window(platform, window_id).seed
    report = runs.verify_run(platform, run_id)
    assert seed is not None
    assert report.match
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == committed
    assert f'<code class="code-block">{seed}</code>' in shown
    assert "The re-run matches:" in shown
    assert f"corredor allocate --verify {run_id}" in shown
    assert f'href="/allocation/results/{run_id}"' in shown
    assert audited(platform, "allocation:seed:reveal").actor_id == inm.user_id

    listing = inm.get("/staff/allocation/windows").text
    section = listing.split(f'id="window-{window_id}"')[1].split("</section>")[0]
    assert "Allocation run; seed revealed" in section
    assert '/run"' not in section  # no second run

    # seats are given now: capacity cannot go below them, and the form says so on the field
    lowered = inm.submit("/staff/capacity", "/staff/capacity", capacity_form(first, last, "0"))
    assert lowered.status_code == 409
    assert error_links(lowered.text) == ["seats"]
    assert [d.seats for d in stored(platform, first, last)] == [3, 3]


def test_window_form_errors_name_each_field_and_keep_the_input(
    platform: Platform, clients: list[TestClient]
) -> None:
    inm = visitor(platform, clients, Role.INM_OFFICER)
    first = fresh_day()
    form = window_form(first, first - timedelta(days=1)) | {
        "sites": [],
        **dated("closes-", date.today() - timedelta(days=2)),
        "closes-time": "7:30",
    }
    answer = inm.submit("/staff/allocation/windows?lang=en", "/staff/allocation/windows", form)
    assert answer.status_code == 400
    assert error_links(answer.text) == ["sites", "last-day", "closes-day"]
    assert 'value="7:30"' in answer.text
    assert (
        f'name="first-day" inputmode="numeric" maxlength="2" autocomplete="off" value="{first.day}"'
        in answer.text
    )

    # a window over days another window of the site already fills is refused on the first day
    taken = inm.submit(
        "/staff/allocation/windows", "/staff/allocation/windows", window_form(first, first)
    )
    assert taken.status_code == 303
    clash = inm.submit(
        "/staff/allocation/windows", "/staff/allocation/windows", window_form(first, first)
    )
    assert clash.status_code == 409
    assert error_links(clash.text) == ["first-day"]

    # a seed that is not the committed one is named on the run button's own field
    window_id = taken.headers["location"].split("opened=")[1]
    for seed in ("not-hex", "ab" * 32):
        with after_close(platform, windows.window(platform, window_id).closes_at):
            wrong = inm.submit(
                "/staff/allocation/windows",
                f"/staff/allocation/windows/{window_id}/run",
                {"seed": seed},
            )
        assert wrong.status_code == 400
        assert error_links(wrong.text) == [f"seed-{window_id}"]
    assert windows.window(platform, window_id).state == "open"


def test_a_cbp_officer_cannot_change_an_inm_site(
    platform: Platform, clients: list[TestClient]
) -> None:
    cbp = visitor(platform, clients, Role.CBP_OFFICER)
    first = fresh_day()
    page = cbp.get("/staff/capacity", lang="en")
    assert f'value="{CBP_SITE}"' in page.text
    assert f'value="{SITE}"' not in page.text  # only the sites CBP runs are offered
    answer = cbp.submit("/staff/capacity", "/staff/capacity", capacity_form(first, None, "10"))
    assert answer.status_code == 403
    assert "This site is run by another agency" in answer.text
    assert stored(platform, first, first) == []

    refused = cbp.submit(
        "/staff/allocation/windows", "/staff/allocation/windows", window_form(first, first)
    )
    assert refused.status_code == 403

    inm = visitor(platform, clients, Role.INM_OFFICER)
    inm.submit("/staff/capacity", "/staff/capacity", capacity_form(first, None, "2"))
    opened = inm.submit(
        "/staff/allocation/windows", "/staff/allocation/windows", window_form(first, first)
    )
    window_id = opened.headers["location"].split("opened=")[1]
    not_theirs = cbp.submit(
        "/staff/allocation/windows", f"/staff/allocation/windows/{window_id}/run", {}
    )
    assert not_theirs.status_code == 403
    assert windows.window(platform, window_id).state == "open"
    assert f'id="window-{window_id}"' not in cbp.get("/staff/allocation/windows").text

    # the CBP officer runs the CBP site
    cbp_day = fresh_day()
    own = cbp.submit(
        "/staff/capacity",
        "/staff/capacity",
        capacity_form(cbp_day, None, "5") | {"site": CBP_SITE},
    )
    assert own.status_code == 303
    assert [d.seats for d in stored(platform, cbp_day, cbp_day, CBP_SITE)] == [5]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.CASEWORKER])
def test_applicants_and_caseworkers_get_403_on_every_page(
    platform: Platform, clients: list[TestClient], role: Role
) -> None:
    person = visitor(platform, clients, role)
    window_id = run_id = str(uuid.uuid4())
    for url in ("/staff/capacity", "/staff/allocation/windows", f"/staff/allocation/runs/{run_id}"):
        answer = person.get(url, lang="es")
        assert answer.status_code == 403, url
        assert "No puede ver esta página" in answer.text
    token = csrf_of(person.get("/account").text)
    first = fresh_day()
    for action, data in (
        ("/staff/capacity", capacity_form(first, None, "10")),
        ("/staff/allocation/windows", window_form(first, first)),
        (f"/staff/allocation/windows/{window_id}/run", {}),
        (f"/staff/allocation/windows/{window_id}/seed-reveal", {}),
        (f"/staff/allocation/windows/{window_id}/early-close", {"reason": "x" * 20}),
        (f"/staff/allocation/windows/{window_id}/early-close/confirmation", {}),
    ):
        answer = person.client.post(action, data={"csrf_token": token, **data})
        assert answer.status_code == 403, action
    assert stored(platform, first, first) == []
    assert 'href="/staff/capacity"' not in person.get("/account").text


def test_the_pages_speak_spanish_and_english(platform: Platform, clients: list[TestClient]) -> None:
    inm = visitor(platform, clients, Role.INM_OFFICER)
    first = fresh_day()
    with platform.db.transaction() as s:
        windows.set_capacity(
            platform,
            principal(inm, Role.INM_OFFICER, Agency.INM),
            CapacityIn(site_id=SITE, from_day=first, seats=12000),
        ).run(s)
    headings = {
        "es": ("Capacidad por sitio y día", "Ventanas de solicitud y asignaciones"),
        "en": ("Capacity per site and day", "Request windows and allocation runs"),
    }
    for lang, (capacity, windows_heading) in headings.items():
        page = inm.get("/staff/capacity", lang=lang, **{"from": first.isoformat()})
        assert f'<html lang="{lang}">' in page.text
        assert f"<h1>{capacity}</h1>" in page.text
        assert f"<td>{Formatter(lang).number(12000)}</td>" in page.text
        assert Formatter(lang).date(first) in page.text
        assert 'href="/staff/capacity" aria-current="page"' in page.text  # the menu entry
        listing = inm.get("/staff/allocation/windows", lang=lang)
        assert f"<h1>{windows_heading}</h1>" in listing.text
    assert "12.000" in inm.get("/staff/capacity", lang="es", **{"from": first.isoformat()}).text
    missing = inm.get(f"/staff/allocation/runs/{uuid.uuid4()}", lang="en")
    assert missing.status_code == 404
    assert "Page not found" in missing.text


def section_of(page: str, window_id: str) -> str:
    return page.split(f'id="window-{window_id}"')[1].split("</section>", maxsplit=1)[0]


def test_an_early_close_through_the_pages_takes_two_officers(
    platform: Platform, clients: list[TestClient]
) -> None:
    first_officer = visitor(platform, clients, Role.INM_OFFICER)
    second_officer = visitor(platform, clients, Role.INM_OFFICER)
    first = fresh_day()
    first_officer.submit("/staff/capacity", "/staff/capacity", capacity_form(first, None, "2"))
    opened = first_officer.submit(
        "/staff/allocation/windows", "/staff/allocation/windows", window_form(first, first)
    )
    window_id = opened.headers["location"].split("opened=")[1]
    listing = "/staff/allocation/windows?lang=en"
    action = f"/staff/allocation/windows/{window_id}"

    one_click = first_officer.submit(listing, f"{action}/run", {})  # a run sent by hand
    assert one_click.status_code == 409
    assert "still open for requests" in one_click.text
    no_reason = first_officer.submit(listing, f"{action}/early-close", {"reason": "  "})
    assert no_reason.status_code == 400
    assert error_links(no_reason.text) == [f"reason-{window_id}"]

    reason = "Heavy rain closes the road to the site from tomorrow."
    asked = first_officer.submit(listing, f"{action}/early-close", {"reason": reason})
    assert asked.status_code == 303
    shown = first_officer.get(asked.headers["location"]).text  # in English: the cookie
    assert "The early close is asked for and in the audit log." in shown
    mine = section_of(shown, window_id)
    assert reason in mine and first_officer.username in mine
    assert "Another officer of your agency must confirm your request" in mine
    assert f'action="{action}/early-close/confirmation"' not in mine
    assert f'action="{action}/run"' not in mine
    own = first_officer.submit(listing, f"{action}/early-close/confirmation", {})
    assert own.status_code == 409
    assert windows.window(platform, window_id).state == "open"

    theirs = section_of(second_officer.get(listing).text, window_id)
    assert f'action="{action}/early-close/confirmation"' in theirs
    confirmed = second_officer.submit(listing, f"{action}/early-close/confirmation", {})
    assert confirmed.status_code == 303
    assert audited(platform, "allocation:early_close:confirm").actor_id == second_officer.user_id
    ready = section_of(first_officer.get(listing).text, window_id)
    assert f'action="{action}/run"' in ready
    assert "closes the window now, before its published close" in ready

    ran = first_officer.submit(listing, f"{action}/run", {})
    assert ran.status_code == 303, ran.text
    run_id = ran.headers["location"].split("/")[-1].split("?")[0]
    for page in (
        first_officer.get(ran.headers["location"]).text,
        first_officer.get(f"/allocation/results/{run_id}", lang="en").text,
    ):
        assert "This window closed early" in page
        assert reason in page
        assert first_officer.username in page and second_officer.username in page
    spanish = first_officer.get(f"/allocation/results/{run_id}", lang="es").text
    assert "Este periodo cerró antes de tiempo" in spanish
