"""Asking for an appointment: one question per page, check your answers, then register.

The submit runs `requests.register_request`, as `POST /api/v1/allocation/requests` does, with
the form's key, so a form sent twice registers once; whether the window
is still open and whether a person already has an active request is the service's to decide, and
its answer is shown on the question that can put it right. The questions and the cookie the
answers wait in are in `request_answers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.allocation.pages.applicant_views import WindowView, window_view
from corredor.allocation.pages.forms import form_key
from corredor.allocation.pages.request_answers import (
    COOKIE,
    MESSAGES,
    QUESTIONS,
    Draft,
    chosen_place,
    form_values,
    load_draft,
    next_question,
    parse,
    person_value,
    place_value,
    questions_for,
    save_draft,
)
from corredor.allocation.schemas import HouseholdChoice, RequestForm, RequestIn, WindowOut
from corredor.allocation.use_cases import requests
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, InvalidInput, NotFound
from corredor.kernel.idempotency import HEADER
from corredor.platform import Platform
from corredor.screening.domain.facts import RELATIONS, Profile
from corredor.screening.pages.questions import ROWS, VOCABULARY, describe_answer
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import page_requires, signed_in_page

START: Final = "/appointments/new"
Asker = Annotated[Principal, Depends(page_requires(Permission.ALLOCATION_REQUEST))]
# A field the service names -> the question that asked for it
SERVICE_FIELDS: Final[dict[str, str]] = {
    "window_id": "place",
    "site_id": "place",
    "policy_id": "place",
    "people": "people",
    "case_id": "people",
    "applicant_user_id": "people",
    "facts": "household",
    "urgent": "urgent",
}


# ---- rendering ----


@dataclass(frozen=True)
class PlaceOption:
    value: str
    site: str
    kind: str
    window: WindowView


def place_options(page: Page, windows: list[WindowOut]) -> list[PlaceOption]:
    options = []
    for window in windows:
        view = window_view(page, window)
        for site_id, site in zip(window.site_ids, view.sites, strict=True):
            options.append(PlaceOption(place_value(window, site_id), site.name, site.kind, view))
    return options


def render_question(
    page: Page,
    question: str,
    windows: list[WindowOut],
    values: Mapping[str, Any],
    errors: dict[str, str],
    *,
    households: list[HouseholdChoice] | None = None,
    status_code: int = 200,
) -> Response:
    g = page.gettext
    asked = g.gettext(QUESTIONS[question])
    if question == "people" and not households and not errors:
        errors = {"person": MESSAGES["no_household"]}
    return page.render(
        "account/appointment_question.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "") + asked,
        question=question,
        question_text=asked,
        options=place_options(page, windows) if question == "place" else [],
        households=[
            {
                "case": h.case_id[:8].upper(),
                "people": [(person_value(h.case_id, x.id), x.name) for x in h.people],
            }
            for h in households or []
        ],
        household_rows=range(1, ROWS + 1),
        relations=[
            (key, g.gettext(words)) for key, words in VOCABULARY.items() if key in RELATIONS
        ],
        values=values,
        errors={key: g.gettext(message) for key, message in errors.items()},
    )


def answer_lines(page: Page, question: str, draft: Draft, windows: list[WindowOut]) -> list[str]:
    g = page.gettext
    if question == "place":
        place = chosen_place(draft, windows)
        if place is None:
            return []
        option = next(
            o for o in place_options(page, [place[0]]) if o.value == draft.answers[question]
        )
        days = g.gettext("Appointment days: %(first)s to %(last)s") % {
            "first": option.window.first_day,
            "last": option.window.last_day,
        }
        return [option.site, days]
    if question == "people":
        return list(draft.answers["people"]["names"])
    if question == "household":
        return describe_answer(
            "household", draft.answers["household"], g, page.fmt.place, page.fmt.date
        )
    return [g.gettext("Yes") if draft.answers[question] == "yes" else g.gettext("No")]


def render_check(
    page: Page,
    asked: list[str],
    draft: Draft,
    windows: list[WindowOut],
    errors: dict[str, str],
    *,
    records_urgency: bool,
    status_code: int = 200,
) -> Response:
    g = page.gettext
    rows = [
        (key, g.gettext(QUESTIONS[key]), answer_lines(page, key, draft, windows)) for key in asked
    ]
    place = chosen_place(draft, windows)
    return page.render(
        "account/appointment_check.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "")
        + g.gettext("Check your answers before you ask"),
        rows=rows,
        window=window_view(page, place[0]) if place else None,
        records_urgency=records_urgency,
        errors={key: g.gettext(message) for key, message in errors.items()},
    )


# ---- the submit ----


def request_body(draft: Draft, place: tuple[WindowOut, str]) -> RequestIn:
    household = draft.answers.get("household")
    chosen = draft.answers["people"]
    return RequestIn(
        window_id=place[0].id,
        site_id=place[1],
        case_id=chosen["case"],
        people=list(chosen["people"]),
        facts=Profile.model_validate({"household": household}) if household is not None else None,
        urgent=draft.answers.get("urgent") == "yes",
    )


def service_error(error: Exception, asked: list[str]) -> dict[str, str]:
    """What went wrong at the submit, on the question that can put it right."""
    if isinstance(error, Conflict):
        key, message = ("people", "active") if error.allowed == ["cancel"] else ("place", "closed")
    elif isinstance(error, InvalidInput) and error.field == HEADER:
        key, message = "place", "resent"
    elif isinstance(error, InvalidInput):
        key = SERVICE_FIELDS.get(error.field, "place")
        message = {"people": "people", "household": "household", "urgent": "not_urgent"}.get(
            key, "closed"
        )
    else:  # NotFound: the window is gone
        key, message = "place", "closed"
    return {key if key in asked else "place": MESSAGES[message]}


def households_for(p: Platform, who: Principal, question: str) -> list[HouseholdChoice]:
    """The households to choose people from, read (and their names decrypted, audited) only
    for the question that shows them."""
    return requests.households(p, who) if question == "people" else []


def add_request_pages(router: APIRouter, settings: WebSettings) -> None:
    def flow(request: Request, who: Principal) -> tuple[Page, Platform, RequestForm, Draft]:
        page = signed_in_page(request, settings, who)
        p = platform_of(request)
        return page, p, requests.request_form(p, who), load_draft(request, settings, who)

    def check_page(
        page: Page, form: RequestForm, draft: Draft, errors: dict[str, str], status_code: int = 200
    ) -> Response:
        asked = questions_for(form, draft)
        return render_check(
            page,
            asked,
            draft,
            form.windows,
            errors,
            records_urgency=form.records_urgency,
            status_code=status_code,
        )

    @router.get(START)
    def start(request: Request, who: Asker) -> Response:
        page, _, form, draft = flow(request, who)
        if not form.taking_requests:
            return page.redirect("/appointments")
        following = next_question(questions_for(form, draft), draft, form.windows)
        return page.redirect(f"{START}/q/{following}" if following else f"{START}/check")

    @router.get(START + "/q/{question}", response_class=HTMLResponse)
    def ask(
        request: Request, question: Annotated[str, Path(max_length=20)], who: Asker
    ) -> Response:
        page, p, form, draft = flow(request, who)
        if question not in questions_for(form, draft):
            raise NotFound(f"no question {question}")
        offered = form.taking_requests
        if not offered:
            return page.redirect("/appointments")
        return render_question(
            page,
            question,
            offered,
            form_values(question, draft),
            {},
            households=households_for(p, who, question),
        )

    @router.post(START + "/q/{question}", response_class=HTMLResponse)
    async def answer(
        request: Request, question: Annotated[str, Path(max_length=20)], who: Asker
    ) -> Response:
        page, p, form, draft = flow(request, who)
        if question not in questions_for(form, draft):
            raise NotFound(f"no question {question}")
        sent = await checked_form(request)
        offered = form.taking_requests
        if not offered:
            return page.redirect("/appointments")
        households = households_for(p, who, question)
        parsed = parse(question, sent, offered, page, p.today(), households=households)
        if parsed.errors:
            return render_question(
                page,
                question,
                offered,
                sent,
                parsed.errors,
                households=households,
                status_code=400,
            )
        draft.answers[question] = parsed.value
        asked = questions_for(form, draft)
        draft.answers = {key: value for key, value in draft.answers.items() if key in asked}
        following = next_question(asked, draft, form.windows)
        target = f"{START}/q/{following}" if following else f"{START}/check"
        return save_draft(page, page.redirect(target), settings, draft)

    @router.get(START + "/check", response_class=HTMLResponse)
    def check(request: Request, who: Asker) -> Response:
        page, _, form, draft = flow(request, who)
        if next_question(questions_for(form, draft), draft, form.windows):
            return page.redirect(START)
        return check_page(page, form, draft, {})

    @router.post(START + "/check", response_class=HTMLResponse)
    async def submit(request: Request, who: Asker) -> Response:
        page, p, form, draft = flow(request, who)
        sent = await checked_form(request)
        asked = questions_for(form, draft)
        place = chosen_place(draft, form.windows)
        if next_question(asked, draft, form.windows) or place is None:
            return page.redirect(START)
        try:
            body = request_body(draft, place)
        except ValidationError:
            return check_page(page, form, draft, {"people": MESSAGES["people"]}, status_code=400)
        key = form_key(sent)
        try:
            # the window's state and one active request per person: the use case decides
            answer = run_command(p, who, key, requests.register_request(p, who, body, key))
        except (Conflict, InvalidInput, NotFound) as error:
            status = 409 if isinstance(error, Conflict) else 400
            return check_page(page, form, draft, service_error(error, asked), status_code=status)
        response = page.redirect(f"/appointments/{answer.id}?done=registered")
        page.forget(response, COOKIE)
        return response
