"""Nobody enters other people, or invented people, in the appointment lottery (security review,
finding 1): a request names persons of a case the caller may ask for, by their ids; everything
else gets one answer that tells nothing about the persons named. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

from corredor.kernel.domain.permissions import Role
from tests.allocation.booking_helpers import CASEWORKER, SITE, household, ok, open_window
from tests.case_kit import assign, household_case
from tests.platform.conftest import Api

MARIE = ("marie-lottery", Role.APPLICANT)
OTHER_FAMILY = ("other-family", Role.APPLICANT)


def ask(api: Api, who: tuple[str, Role], window: str, case: str, people: list[str]) -> Any:
    body = {"window_id": window, "site_id": SITE, "case_id": case, "people": people}
    return api.post("/allocation/requests", *who, body)


def field_of(answer: Any) -> str:
    return str(answer.json()["detail"][0]["loc"][-1])


def test_an_applicant_cannot_enter_another_family(api: Api) -> None:
    window = open_window(api, seats=[2])
    theirs = household(api, 2, OTHER_FAMILY)
    mine = household(api, 1, MARIE)
    for case, people in (
        (theirs.case_id, theirs.people),  # their case, their persons
        (mine.case_id, theirs.people),  # my case, their persons
        (mine.case_id, [*mine.people, theirs.people[0]]),  # mine, with one of theirs added
    ):
        refused = ask(api, MARIE, window.id, case, people)
        assert refused.status_code == 422, refused.text
        assert field_of(refused) == "people"
    # they are not locked out: their own request goes in, and they can cancel it
    own = ok(ask(api, OTHER_FAMILY, window.id, theirs.case_id, theirs.people), 201)
    ok(api.post(f"/allocation/requests/{own['id']}/cancellation", *OTHER_FAMILY))


def test_invented_persons_buy_no_tickets(api: Api) -> None:
    window = open_window(api, seats=[2])
    mine = household(api, 1, MARIE)
    answers = [
        ask(api, MARIE, window.id, mine.case_id, [f"FAKE-{n}-{uuid.uuid4().hex[:6]}"])
        for n in range(10)
    ]
    assert {a.status_code for a in answers} == {422}
    ok(ask(api, MARIE, window.id, mine.case_id, mine.people), 201)
    again = ask(api, MARIE, window.id, mine.case_id, mine.people)
    assert again.status_code == 409  # one active request per person, for her own person


def test_the_answer_is_no_oracle_of_who_holds_a_request(api: Api) -> None:
    window = open_window(api, seats=[3])
    holder = household(api, 1, OTHER_FAMILY)
    ok(ask(api, OTHER_FAMILY, window.id, holder.case_id, holder.people), 201)
    idle = household(api, 1, ("idle-family", Role.APPLICANT))
    mine = household(api, 1, MARIE)
    answers = [
        ask(api, MARIE, window.id, holder.case_id, holder.people),  # exists, holds a request
        ask(api, MARIE, window.id, idle.case_id, idle.people),  # exists, holds none
        ask(api, MARIE, window.id, str(uuid.uuid4()), [str(uuid.uuid4())]),  # does not exist
        ask(api, MARIE, window.id, mine.case_id, holder.people),  # in my case's name
        ask(api, MARIE, window.id, mine.case_id, [str(uuid.uuid4())]),
    ]
    assert {a.status_code for a in answers} == {422}
    assert len({a.text for a in answers}) == 1  # word for word the same


def test_a_caseworker_asks_only_for_an_assigned_case_with_consent(api: Api) -> None:
    window = open_window(api, seats=[3])
    worker = api.user(*CASEWORKER)["id"]
    stranger = household_case(api.platform, consent=True)
    refused = ask(api, CASEWORKER, window.id, stranger.case_id, stranger.people)
    assert refused.status_code == 422 and field_of(refused) == "people"
    no_consent = household_case(api.platform)
    assign(api.platform, no_consent.case_id, caseworker_id=worker)
    unconsented = ask(api, CASEWORKER, window.id, no_consent.case_id, no_consent.people)
    assert unconsented.status_code == 422 and field_of(unconsented) == "case_id"
    assigned = household_case(api.platform, consent=True, size=2)
    assign(api.platform, assigned.case_id, caseworker_id=worker)
    ok(ask(api, CASEWORKER, window.id, assigned.case_id, assigned.people), 201)


def test_roles_without_the_permission_are_refused(api: Api) -> None:
    window = open_window(api, seats=[1])
    house = household_case(api.platform)
    for role in (Role.CBP_OFFICER, Role.SHELTER_STAFF, Role.AUDITOR):
        answer = ask(api, (f"lottery-{role}", role), window.id, house.case_id, house.people)
        assert answer.status_code == 403
