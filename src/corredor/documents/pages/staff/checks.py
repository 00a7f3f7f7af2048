"""The checking agents' homes: an airline or port agent checks a travel authorization, an
employer a work authorization (Spanish and English).

The page takes the QR code's text (pasted, or filled in by the device's camera where the
browser has `BarcodeDetector`; see static/scan.js) or a photo of it, with the day of travel or
work and, for travel, the port or airport. It runs `use_cases.check_at_counter`: the same check
as POST /api/v1/verifications/travel|employment, under the same permission and audit entry,
which also gives the holder's name when the answer is yes, to compare with the person at the
counter. Without JavaScript, pasting or uploading works the same.
"""

# No `from __future__ import annotations`: each route's permission is its kind's, read when
# the route is defined (FastAPI would otherwise look the annotation up among the globals).

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.api.security import platform_of
from corredor.documents import use_cases
from corredor.documents.domain.credentials import (
    TRAVEL_CHECK,
    WORK_CHECK,
    CheckReason,
    DocumentType,
)
from corredor.documents.schemas import CheckIn, CounterAnswer
from corredor.documents.verify_pages import (
    CODE_FIELD,
    DOCUMENT_NAMES,
    ERRORS,
    IMAGE_FIELD,
    MAX_BODY_BYTES,
    MAX_CODE_CHARS,
    TOO_LARGE,
    PresentedError,
    declared_length,
    presented_code,
    wait_before_next_check,
)
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.web import labels
from corredor.web.forms import text
from corredor.web.i18n import N_
from corredor.web.labels import named
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import staff_page, who_may

DAY_FIELD: Final = "on"
PORT_FIELD: Final = "port"

# Why the answer is no, for an agent at a gate or a hiring desk.
REASONS: Final[dict[CheckReason, str]] = {
    CheckReason.NOT_FOUND: N_("No genuine Corredor document matches this code. Do not accept it."),
    CheckReason.WRONG_DOCUMENT: N_("This is another kind of document: it does not answer this."),
    CheckReason.MEXICO_ONLY: N_(
        "This is a Mexican humanitarian visitor card (TVRH): it is valid in Mexico only."
    ),
    CheckReason.REVOKED: N_("The issuing agency has cancelled this document."),
    CheckReason.NOT_YET_VALID: N_("The document is not valid yet on that day."),
    CheckReason.EXPIRED: N_("The document has expired on that day."),
    CheckReason.OTHER_PORT: N_("The travel authorization is for another port or airport."),
}
PROBLEMS: Final[dict[str, str]] = {
    "day": N_("Enter the day as a date, for example 2026-12-24"),
    "port": N_("Choose a port of entry or airport from the list"),
}


@dataclass(frozen=True)
class CheckKind:
    path: str
    permission: Permission
    accepted: frozenset[DocumentType]
    title: str
    lead: str
    yes: str
    asks_port: bool


TRAVEL: Final = CheckKind(
    path="/staff/check/travel",
    permission=Permission.DOCUMENT_VERIFY_TRAVEL,
    accepted=TRAVEL_CHECK,
    title=N_("Check a travel document"),
    lead=N_("Is this US travel authorization valid for this journey? Scan or paste its QR code."),
    yes=N_("Yes: this person may travel"),
    asks_port=True,
)
WORK: Final = CheckKind(
    path="/staff/check/work",
    permission=Permission.DOCUMENT_VERIFY_WORK,
    accepted=WORK_CHECK,
    title=N_("Check a work authorization"),
    lead=N_("Is this US work authorization valid? Scan or paste its QR code."),
    yes=N_("Yes: this person may work"),
    asks_port=False,
)


def _answer_view(page: Page, kind: CheckKind, found: CounterAnswer) -> dict[str, Any]:
    g, answer = page.gettext, found.answer
    return {
        "valid": answer.valid,
        "headline": g.gettext(kind.yes) if answer.valid else g.gettext("No"),
        "name": found.holder_name,
        "picture": found.holder_picture,
        "reason": g.gettext(REASONS[answer.reason]) if answer.reason else None,
        "document": named(DOCUMENT_NAMES, answer.document_type, g) or None,
        "valid_until": page.fmt.date(answer.valid_until) if answer.valid_until else None,
        "show_dates": answer.valid or answer.reason in (CheckReason.EXPIRED,),
    }


def _day(form: Mapping[str, Any], today: date) -> date | None:
    typed = text(form, DAY_FIELD)
    if not typed:
        return today
    try:
        return date.fromisoformat(typed)
    except ValueError:
        return None


def add_check_pages(router: APIRouter, settings: WebSettings) -> None:
    for kind in (TRAVEL, WORK):
        _add(router, settings, kind)


def _add(router: APIRouter, settings: WebSettings, kind: CheckKind) -> None:
    def render(
        request: Request,
        who: Principal,
        *,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        answer: dict[str, Any] | None = None,
    ) -> Response:
        page = staff_page(request, settings, who)
        _ = page.gettext.gettext
        platform = platform_of(request)
        title = _(kind.title)
        return page.render(
            "staff/check_document.html",
            status_code=status_code,
            title=(_("Error") + ": " + title) if errors else title,
            heading=title,
            lead=_(kind.lead),
            action=kind.path,
            asks_port=kind.asks_port,
            ports=[(place.id, place.name) for place in platform.reference.ports_of_entry],
            errors=errors or {},
            values=values or {DAY_FIELD: platform.today().isoformat()},
            answer=answer,
        )

    @router.get(kind.path, response_class=HTMLResponse, name=f"check_{kind.path}")
    def check_form(
        request: Request, who: Annotated[Principal, who_may(kind.permission)]
    ) -> Response:
        return render(request, who)

    @router.post(kind.path, response_class=HTMLResponse, name=f"check_{kind.path}_post")
    async def check(
        request: Request, who: Annotated[Principal, who_may(kind.permission)]
    ) -> Response:
        page = staff_page(request, settings, who)
        g = page.gettext
        if declared_length(request) > MAX_BODY_BYTES:
            return render(
                request, who, status_code=413, errors={IMAGE_FIELD: g.gettext(ERRORS[TOO_LARGE])}
            )
        wait = wait_before_next_check(request)
        if wait > 0:
            retry = 3600 if math.isinf(wait) else max(1, math.ceil(wait))
            message = g.gettext(
                "Too many checks from your connection. Wait %(seconds)s seconds and try again."
            ) % {"seconds": page.fmt.number(retry)}
            response = render(request, who, status_code=429, errors={CODE_FIELD: message})
            response.headers["Retry-After"] = str(retry)
            return response
        form = dict(await checked_form(request))
        platform = platform_of(request)
        typed = text(form, CODE_FIELD)[:MAX_CODE_CHARS]
        values = {CODE_FIELD: typed, DAY_FIELD: text(form, DAY_FIELD), PORT_FIELD: ""}
        errors: dict[str, str] = {}
        day = _day(form, platform.today())
        if day is None:
            errors[DAY_FIELD] = labels.named(PROBLEMS, "day", g)
        port = text(form, PORT_FIELD) if kind.asks_port else ""
        values[PORT_FIELD] = port
        if port and platform.reference.port(port) is None:
            errors[PORT_FIELD] = labels.named(PROBLEMS, "port", g)
        try:
            code = await presented_code(request, form)
        except PresentedError as error:
            errors = {error.field: g.gettext(ERRORS[error.key]), **errors}
            code = ""
        if errors:
            return render(request, who, status_code=400, errors=errors, values=values)
        try:
            body = CheckIn(credential=code, on=day, port=port or None)
        except ValidationError:
            return render(
                request,
                who,
                status_code=400,
                errors={CODE_FIELD: labels.named(ERRORS, "too_long", g)},
                values=values,
            )
        found = use_cases.check_at_counter(
            platform, who, body, permission=kind.permission, accepted=kind.accepted
        )
        return render(request, who, values=values, answer=_answer_view(page, kind, found))
