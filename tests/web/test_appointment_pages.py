"""The applicant's appointment pages over the real platform (SQLite and PostgreSQL): asking
through one question per page, stored once however often the form is sent, one active request
per person, the status page agreeing with the service's position after the run, confirm and
cancel (the freed place goes to the next in line), nobody else's requests, signed-out visitors
sent to sign in, and the pages in Haitian Creole."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from corredor.allocation.tables import AllocationRequest
from corredor.allocation.use_cases import requests as request_cases
from corredor.app import create_app
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Role
from corredor.platform import Platform
from corredor.web.i18n import Formatter
from corredor.web.page import CSRF_COOKIE
from tests.web.appointment_kit import (
    SITE,
    Window,
    answer,
    ask,
    check_form,
    household_values,
    open_window,
    request_of,
)
from tests.web.signed_in import Visitor, error_links


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


def visitor(platform: Platform, role: Role = Role.APPLICANT) -> Visitor:
    client = TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    )
    return Visitor(client).sign_in(platform, role)


def me(person: Visitor, role: Role = Role.APPLICANT) -> Principal:
    return Principal(person.user_id, person.username, role, None)


def stored(platform: Platform, window: Window) -> int:
    with platform.db.transaction() as s:
        return int(
            s.execute(
                select(func.count())
                .select_from(AllocationRequest)
                .where(AllocationRequest.window_id == window.id)
            ).scalar_one()
        )


def test_an_applicant_asks_through_the_pages_and_a_resent_form_stores_one_request(
    platform: Platform,
) -> None:
    window = open_window(platform, seats=[2])
    marie = visitor(platform)
    listing = marie.get("/appointments", lang="en")
    assert listing.status_code == 200
    assert "The draw was fixed before the window opened, and its fingerprint" in listing.text
    assert window.out.seed_commitment not in listing.text  # no hash for applicants
    assert "El Ceibo" in listing.text
    assert 'href="/appointments" aria-current="page"' in listing.text  # the menu entry
    start = marie.get("/appointments/new")
    assert start.headers["location"] == "/appointments/new/q/place"

    # nothing chosen: the error links to the field
    empty = marie.submit("/appointments/new/q/place?lang=en", "/appointments/new/q/place", {})
    assert empty.status_code == 400
    assert error_links(empty.text) == ["place"]
    assert "Choose where you would like your appointment" in empty.text
    assert answer(marie, "place", {"place": window.place}) == "/appointments/new/q/people"

    # the persons offered are her household's, by name; nothing else can be chosen
    no_household = marie.get("/appointments/new/q/people", lang="en")
    assert "There is no household here you can ask for" in no_household.text
    mine = household_values(platform, marie, size=2)
    others = household_values(platform, visitor(platform))
    offered = marie.get("/appointments/new/q/people", lang="en")
    assert "Ana Kit" in offered.text and "Kit Child 0" in offered.text
    assert others[0] not in offered.text
    for chosen in ([], others):  # nothing, or a person of another household
        refused = marie.submit(
            "/appointments/new/q/people?lang=en", "/appointments/new/q/people", {"person": chosen}
        )
        assert refused.status_code == 400
        assert error_links(refused.text) == ["person"]
        assert "Choose at least one person who will come" in refused.text
    assert marie.get("/appointments/new/q/urgent").status_code == 404  # not an applicant's
    assert answer(marie, "people", {"person": mine[:1]}) == "/appointments/new/check"

    check = marie.get("/appointments/new/check", lang="en")
    assert "Check your answers before you ask" in check.text
    assert "Ana Kit" in check.text and "Kit Child 0" not in check.text
    assert "El Ceibo" in check.text
    assert "tell a caseworker" in check.text  # how an urgent need is recorded

    # the button pressed twice: the second press carries the same cookies as the first
    form = check_form(marie)
    cookies = "; ".join(f"{c.name}={c.value}" for c in marie.client.cookies.jar)
    first = marie.client.post("/appointments/new/check", data=form, headers={"cookie": cookies})
    again = marie.client.post("/appointments/new/check", data=form, headers={"cookie": cookies})
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert first.headers["location"].endswith("?done=registered")
    assert stored(platform, window) == 1
    request_id = request_of(first.headers["location"])
    request = request_cases.read_request(platform, me(marie), request_id)
    assert (request.window_id, request.site_id, request.size) == (window.id, SITE, 1)

    status = marie.client.get(first.headers["location"] + "&lang=en")
    assert "Your request was registered. You are in the draw." in status.text
    assert "Registered: waiting for the draw" in status.text
    closes = Formatter("en").datetime(window.out.closes_at)
    assert f"The draw happens when the window closes on {closes}" in status.text
    assert request_id in marie.get("/appointments").text


def test_a_second_active_request_and_a_closed_window_are_refused_with_clear_messages(
    platform: Platform,
) -> None:
    window = open_window(platform, seats=[2])
    marie = visitor(platform)
    mine = household_values(platform, marie, size=3)
    ask(marie, window, mine[:1])

    # the same person again: refused by the service, shown on the people question's row
    answer(marie, "place", {"place": window.place})
    answer(marie, "people", {"person": mine[:2]})
    refused = marie.client.post(
        "/appointments/new/check?lang=ht", data=check_form(marie, lang="ht")
    )
    assert refused.status_code == 409
    assert error_links(refused.text) == ["people"]
    assert "Yon moun nan demann sa a gen yon demann ki aktif deja" in refused.text
    assert "Kit Child 0" in refused.text  # the answers are kept
    assert stored(platform, window) == 1

    # a window that closed while the person answered
    other = open_window(platform, seats=[1])
    answer(marie, "place", {"place": other.place})
    answer(marie, "people", {"person": mine[2:]})
    form = check_form(marie)
    other.run()
    closed = marie.client.post("/appointments/new/check?lang=en", data=form)
    assert closed.status_code == 409
    assert error_links(closed.text) == ["place"]
    assert "Requests for this window are closed" in closed.text
    assert stored(platform, other) == 0
    assert other.place not in marie.get("/appointments/new/q/place").text  # no longer offered


def test_after_the_run_the_status_page_shows_the_services_position_and_a_cancel_frees_the_seat(
    platform: Platform,
) -> None:
    window = open_window(platform, seats=[1])
    marie, jean = visitor(platform), visitor(platform)
    requests = {
        ask(marie, window, household_values(platform, marie)): marie,
        ask(jean, window, household_values(platform, jean)): jean,
    }
    run_id = window.run()
    window.reveal()
    positions = {}
    for request_id, person in requests.items():
        positions[request_id] = request_cases.position(platform, me(person), request_id)
    seated = next(rid for rid, pos in positions.items() if pos.status == "assigned")
    waiting = next(rid for rid, pos in positions.items() if pos.status == "waitlisted")
    fmt = Formatter("en")

    for request_id, position in positions.items():
        page = requests[request_id].get(f"/appointments/{request_id}", lang="en").text
        assert position.tier == "standard"
        assert "Everyone else" in page  # the tier, in words
        assert "You have waited less than 90 days since your first request" in page
        assert f"<strong>{position.draw_number}</strong>" in page
        assert str(position.draw_key) not in page  # no hex for applicants: the number says it
        assert "Requests: 2. Given places: 1." in page  # the published count of the tier
        assert f'href="/allocation/results/{run_id}"' in page
        assert str(position.seed) not in page  # on the public results page, not here
        assert "anyone can re-run the draw and check every place" in page
    seat = positions[seated].appointment
    assert seat is not None
    page = requests[seated].get(f"/appointments/{seated}", lang="en").text
    assert f"At El Ceibo on {fmt.date(seat.day)}" in page
    assert "Confirm that I will come" in page
    page = requests[waiting].get(f"/appointments/{waiting}", lang="en").text
    assert "You are number 1 on the waiting list at El Ceibo." in page
    assert "Confirm that I will come" not in page

    holder = requests[seated]
    confirmed = holder.submit(f"/appointments/{seated}", f"/appointments/{seated}/confirmation", {})
    assert confirmed.headers["location"] == f"/appointments/{seated}?done=confirmed"
    assert "Appointment confirmed" in holder.get(f"/appointments/{seated}", lang="en").text

    # cancelling asks first, then gives the place to the next in line
    asked = holder.get(f"/appointments/{seated}/cancellation", lang="en")
    assert "Are you sure you want to cancel your request?" in asked.text
    cancelled = holder.submit(
        f"/appointments/{seated}/cancellation", f"/appointments/{seated}/cancellation", {}
    )
    assert cancelled.headers["location"] == f"/appointments/{seated}?done=cancelled"
    moved_up = request_cases.position(platform, me(requests[waiting]), waiting)
    gone = request_cases.position(platform, me(holder), seated)
    assert gone.status == "cancelled" and gone.appointment is None
    assert moved_up.status == "assigned"
    assert moved_up.appointment is not None and moved_up.appointment.day == seat.day
    page = requests[waiting].get(f"/appointments/{waiting}", lang="en").text
    assert f"At El Ceibo on {fmt.date(seat.day)}" in page
    # a cancelled request offers nothing more; a stale button is answered, not a 500
    stale = holder.submit(f"/appointments/{seated}", f"/appointments/{seated}/confirmation", {})
    assert stale.headers["location"] == f"/appointments/{seated}?problem=changed"


def test_a_seated_applicant_moves_to_a_day_with_free_seats_keeping_the_draw(
    platform: Platform,
) -> None:
    window = open_window(platform, seats=[1, 1])
    marie = visitor(platform)
    request_id = ask(marie, window, household_values(platform, marie))
    window.run()
    before = request_cases.position(platform, me(marie), request_id)
    assert before.appointment is not None
    other_day = next(day for day in window.days if day != before.appointment.day)
    url = f"/appointments/{request_id}/reschedule"
    empty = marie.submit(url + "?lang=en", url, {})
    assert empty.status_code == 400
    assert error_links(empty.text) == ["day"]
    moved = marie.submit(url, url, {"day": other_day.isoformat()})
    assert moved.headers["location"] == f"/appointments/{request_id}?done=rescheduled"
    after = request_cases.position(platform, me(marie), request_id)
    assert after.appointment is not None and after.appointment.day == other_day
    assert (after.tier, after.draw_number) == (before.tier, before.draw_number)


def test_a_caseworker_records_an_urgent_need_and_a_staged_window_asks_for_the_household(
    platform: Platform,
) -> None:
    window = open_window(platform, seats=[3], policy_id="mx-us-joint-corridor")
    worker = visitor(platform, Role.CASEWORKER)
    assert answer(worker, "place", {"place": window.place}) == "/appointments/new/q/people"
    chosen = household_values(platform, worker, Role.CASEWORKER)
    assert answer(worker, "people", {"person": chosen}) == "/appointments/new/q/household"
    wrong = worker.submit(
        "/appointments/new/q/household?lang=en",
        "/appointments/new/q/household",
        {"relation-1": "child", "day-1": "31", "month-1": "2", "year-1": "2024"},
    )
    assert wrong.status_code == 400
    assert error_links(wrong.text) == ["day-1"]
    assert 'value="child" selected' in wrong.text
    young = date.today().year - 3
    household = {"relation-1": "child", "day-1": "2", "month-1": "3", "year-1": str(young)}
    assert answer(worker, "household", household) == "/appointments/new/q/urgent"
    assert answer(worker, "urgent", {"urgent": "yes"}) == "/appointments/new/check"
    sent = worker.client.post("/appointments/new/check", data=check_form(worker))
    request_id = request_of(sent.headers["location"])
    request = request_cases.read_request(platform, me(worker, Role.CASEWORKER), request_id)
    assert (request.cohort, request.urgent) == ("phase-1", True)
    window.run()
    page = worker.get(f"/appointments/{request_id}", lang="es").text
    assert "Necesidad médica o de protección urgente" in page


def test_nobody_else_sees_a_request_and_a_signed_out_visitor_is_sent_to_sign_in(
    platform: Platform,
) -> None:
    window = open_window(platform, seats=[1])
    marie = visitor(platform)
    request_id = ask(marie, window, household_values(platform, marie))
    stranger = visitor(platform)
    for url in (f"/appointments/{request_id}", f"/appointments/{request_id}/cancellation"):
        refused = stranger.get(url, lang="fr")
        assert refused.status_code == 404, url
        assert "Page introuvable" in refused.text
    csrf = stranger.client.cookies.get(CSRF_COOKIE)
    for action in ("confirmation", "cancellation"):
        posted = stranger.client.post(
            f"/appointments/{request_id}/{action}", data={"csrf_token": csrf or ""}
        )
        assert posted.status_code == 404, action
    assert request_id not in stranger.get("/appointments").text
    # still Marie's, untouched
    assert request_cases.read_request(platform, me(marie), request_id).status == "registered"
    assert (
        stranger.client.post(f"/appointments/{request_id}/cancellation", data={}).status_code == 403
    )  # no CSRF token: refused before anything

    anonymous = TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    )
    for url in ("/appointments", f"/appointments/{request_id}", "/appointments/new/q/place"):
        sent = anonymous.get(url)
        assert sent.status_code == 303
        assert sent.headers["location"].startswith("/sign-in?next=%2Fappointments")
    auditor = visitor(platform, Role.AUDITOR)
    assert auditor.get("/appointments", lang="ht").status_code == 403


def test_the_pages_speak_haitian_creole(platform: Platform) -> None:
    window = open_window(platform, seats=[1])
    marie = visitor(platform)
    listing = marie.get("/appointments", lang="ht")
    assert '<html lang="ht">' in listing.text
    assert "Randevou ou" in listing.text
    assert "Yo te fikse tiraj la anvan peryòd la te louvri, epi yo te pibliye" in listing.text
    question = marie.get("/appointments/new/q/place")
    assert "Ki kote ou ta renmen gen randevou ou?" in question.text
    answer(marie, "place", {"place": window.place})
    people = marie.get("/appointments/new/q/people")
    assert "Kiyès ki pral vini nan randevou a?" in people.text
    answer(marie, "people", {"person": household_values(platform, marie)})
    assert "Verifye repons ou yo anvan ou mande" in marie.get("/appointments/new/check").text
    sent = marie.client.post("/appointments/new/check", data=check_form(marie, lang="ht"))
    status = marie.get(sent.headers["location"])
    assert "Demann ou an anrejistre. Ou nan tiraj la." in status.text
    assert "Anrejistre: n ap tann tiraj la" in status.text
    listed = marie.get("/appointments").text
    assert f'href="/appointments/{request_of(sent.headers["location"])}"' in listed
    assert "Ou gen yon demann aktif." in listed
