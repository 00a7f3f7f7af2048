"""The answers of an appointment request while it is being asked: which questions, what each
page's form means, and where the answers wait until the submit.

The questions are what `RequestIn` needs and no more: the window and site, the people who will
come (chosen among the persons of the caller's household, by name; the service is sent their
ids and keeps only a keyed hash), the household's
relations and dates of birth only when the window serves a staged pathway (they decide the
group, and are not stored), and an urgent need only from those who may record one (caseworkers
and INM officers): `requests.request_form` says which, for the signed-in caller.

The answers travel in a cookie that is encrypted (AES-GCM, the platform's key) and signed with an
expiry, bound to the signed-in account: the names chosen are never readable in it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from corredor.allocation.schemas import HouseholdChoice, RequestForm, WindowOut
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.crypto import DecryptionError
from corredor.screening.domain.facts import FACTS
from corredor.screening.pages.questions import ERRORS, parse_answer
from corredor.web.forms import choices, text
from corredor.web.i18n import N_
from corredor.web.page import Page, WebSettings
from corredor.web.places import country_names

COOKIE: Final = "corredor_appointment"
MAX_AGE: Final = 2 * 3600
DRAFT_COLUMN: Final = "web.appointment_draft"  # bound into the cookie's encryption

QUESTIONS: Final[dict[str, str]] = {
    "place": N_("Where would you like your appointment?"),
    "people": N_("Who will come to the appointment?"),
    "household": FACTS["household"].question,
    "urgent": N_("Does someone in this request have an urgent medical or protection need?"),
}
MESSAGES: Final[dict[str, str]] = {
    "place": N_("Choose where you would like your appointment"),
    "people": N_("Choose at least one person who will come"),
    "one_household": N_("Choose people of one household only"),
    "no_household": N_(
        "There is no household here you can ask for. A request is made for the people of your "
        "own case: ask INM or your caseworker."
    ),
    "urgent": ERRORS["choose_yes_no"],
    "closed": N_(
        "Requests for this window are closed. Choose another place, or come back when a new "
        "window opens."
    ),
    "active": N_(
        "Someone in this request already has an active request. A person can have only one "
        "at a time: see it under Your appointment, or cancel it before asking again."
    ),
    "household": N_("Tell us who travels with you, so the right group is chosen"),
    "not_urgent": N_("Only a caseworker or an INM officer can record an urgent need"),
    "resent": N_("This form was already sent. Check your answers and send them again."),
}


@dataclass
class Draft:
    """The answers so far: place "window|site", people, household members, urgent."""

    answers: dict[str, Any] = field(default_factory=dict)


def _signer(settings: WebSettings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="corredor.appointment.request")


def load_draft(request: Request, settings: WebSettings, who: Principal) -> Draft:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return Draft()
    try:
        stored = _signer(settings).loads(raw, max_age=MAX_AGE)
        if not isinstance(stored, dict) or stored.get("user") != who.user_id:
            return Draft()
        plain = platform_of(request).cipher.decrypt(str(stored.get("sealed")), DRAFT_COLUMN)
        answers = json.loads(plain)
    except (BadSignature, DecryptionError, ValueError):
        return Draft()
    return Draft(answers if isinstance(answers, dict) else {})


def save_draft(page: Page, response: Response, settings: WebSettings, draft: Draft) -> Response:
    assert page.who is not None
    sealed = platform_of(page.request).cipher.encrypt(json.dumps(draft.answers), DRAFT_COLUMN)
    value = _signer(settings).dumps({"user": page.who.user_id, "sealed": sealed})
    page.cookie(response, COOKIE, str(value), MAX_AGE)
    return response


# ---- which windows, which questions ----


def place_value(window: WindowOut, site_id: str) -> str:
    return f"{window.id}|{site_id}"


def chosen_place(draft: Draft, windows: list[WindowOut]) -> tuple[WindowOut, str] | None:
    window_id, _, site_id = str(draft.answers.get("place", "")).partition("|")
    window = next((w for w in windows if w.id == window_id), None)
    return (window, site_id) if window is not None and site_id in window.site_ids else None


def questions_for(form: RequestForm, draft: Draft) -> list[str]:
    asked = ["place", "people"]
    place = chosen_place(draft, form.windows)
    if place is not None and place[0].id in form.household_windows:
        asked.append("household")
    if form.records_urgency:
        asked.append("urgent")
    return asked


def next_question(asked: list[str], draft: Draft, windows: list[WindowOut]) -> str | None:
    """The first question without an answer (a place no longer known is no answer)."""
    for question in asked:
        if question not in draft.answers:
            return question
        if question == "place" and chosen_place(draft, windows) is None:
            return question
        # a draft from before persons were chosen by id held typed numbers: ask again
        if question == "people" and not isinstance(draft.answers[question], dict):
            return question
    return None


# ---- reading one page's answer ----


@dataclass
class Parsed:
    value: Any = None
    errors: dict[str, str] = field(default_factory=dict)  # field id -> msgid


def parse_place(form: Mapping[str, Any], windows: list[WindowOut]) -> Parsed:
    given = text(form, "place")
    offered = {place_value(w, site) for w in windows for site in w.site_ids}
    return Parsed(given) if given in offered else Parsed(errors={"place": MESSAGES["place"]})


def person_value(case_id: str, person_id: str) -> str:
    return f"{case_id}|{person_id}"


def parse_people(form: Mapping[str, Any], households: list[HouseholdChoice]) -> Parsed:
    """The persons ticked, all of one household offered: {"case", "people", "names"}."""
    offered = {
        person_value(h.case_id, x.id): (h.case_id, x.id, x.name)
        for h in households
        for x in h.people
    }
    chosen = [offered[value] for value in choices(form, "person") if value in offered]
    if not chosen:
        return Parsed(errors={"person": MESSAGES["people"]})
    if len({case for case, _, _ in chosen}) > 1:
        return Parsed(errors={"person": MESSAGES["one_household"]})
    return Parsed(
        {
            "case": chosen[0][0],
            "people": [person for _, person, _ in chosen],
            "names": [name for _, _, name in chosen],
        }
    )


def parse_urgent(form: Mapping[str, Any]) -> Parsed:
    given = text(form, "urgent")
    return (
        Parsed(given) if given in ("yes", "no") else Parsed(errors={"urgent": MESSAGES["urgent"]})
    )


def parse(
    question: str,
    form: Mapping[str, Any],
    windows: list[WindowOut],
    page: Page,
    today: date,
    *,
    households: list[HouseholdChoice],
) -> Parsed:
    if question == "place":
        return parse_place(form, windows)
    if question == "people":
        return parse_people(form, households)
    if question == "household":
        result = parse_answer("household", form, country_names(page.lang), today)
        return Parsed(result.value, {key: ERRORS[error] for key, error in result.errors.items()})
    return parse_urgent(form)


def form_values(question: str, draft: Draft) -> dict[str, Any]:
    """A stored answer as its page's fields, so "Change" shows what was given."""
    answer = draft.answers.get(question)
    if answer is None:
        return {}
    if question == "people":
        if not isinstance(answer, dict):
            return {}
        return {"person": [person_value(answer["case"], x) for x in answer["people"]]}
    if question == "household":
        values: dict[str, Any] = {}
        for row, member in enumerate(answer, start=1):
            born = date.fromisoformat(member["birth_date"])
            values |= {
                f"relation-{row}": member["relation"],
                f"day-{row}": str(born.day),
                f"month-{row}": str(born.month),
                f"year-{row}": str(born.year),
            }
        return values
    return {question: answer}
