"""The parole application as pages: one question per page, check your answers, then submit.

The answers travel in a signed cookie until the person submits; the submit calls the same use
case as `POST /api/v1/cases/{id}/parole-application`. A caseworker applies on the person's behalf
("assisted_site"); everyone else applies on the web. In assisted mode the person reads each
question and the declaration in their own language beside the caseworker's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from corredor.api.security import platform_of
from corredor.cases.schemas import CaseStatusOut, ParoleApplicationIn
from corredor.cases.use_cases import parole, reading
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import InvalidInput, NotFound
from corredor.web.forms import command_key, text
from corredor.web.i18n import N_
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import page_requires, signed_in_page

COOKIE: Final = "corredor_parole"
MAX_AGE: Final = 2 * 3600
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
Applicant = Annotated[Principal, Depends(page_requires(Permission.PAROLE_APPLY))]

QUESTIONS: Final[dict[str, str]] = {
    "site": N_("Where will you go for your parole interview?"),
    "declaration": N_("Is what you told INM true and complete?"),
}
DECLARATION: Final = N_(
    "I confirm that what my household and I told INM is true and complete, and that everyone "
    "registered with me will travel with me."
)
YES: Final = N_("Yes")
MISSING: Final[dict[str, str]] = {
    "site": N_("Choose where you will go for your interview"),
    "declaration": N_("Confirm the declaration to apply"),
}


@dataclass
class Application:
    case_id: str
    answers: dict[str, str] = field(default_factory=dict)

    def next_question(self) -> str | None:
        return next((q for q in QUESTIONS if q not in self.answers), None)


def _load(request: Request, signer: URLSafeTimedSerializer, case_id: str) -> Application:
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            stored = signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            stored = None
        if isinstance(stored, dict) and stored.get("case_id") == case_id:
            answers = stored.get("answers")
            if isinstance(answers, dict):
                return Application(case_id, {str(k): str(v) for k, v in answers.items()})
    return Application(case_id)


def _save(
    page: Page, response: Response, signer: URLSafeTimedSerializer, application: Application
) -> Response:
    value = signer.dumps({"case_id": application.case_id, "answers": application.answers})
    page.cookie(response, COOKIE, str(value), MAX_AGE)
    return response


def _status(request: Request, who: Principal, case_id: str) -> CaseStatusOut:
    return reading.get_status(platform_of(request), who, case_id)


def sites(request: Request) -> dict[str, str]:
    return {site.id: site.name for site in platform_of(request).reference.assisted_sites}


def panel(page: Page, template: str, **context: Any) -> Any:
    if not page.applicant_lang:
        return None
    return page.fragment(template, page.applicant_lang, **context)


def render_question(
    page: Page,
    status: CaseStatusOut,
    question: str,
    values: Mapping[str, Any],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    g = page.gettext
    place_names = sites(page.request)
    return page.render(
        "account/parole_question.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "") + g.gettext(QUESTIONS[question]),
        case=status,
        question=question,
        question_text=g.gettext(QUESTIONS[question]),
        declaration=g.gettext(DECLARATION),
        sites=place_names,
        values=values,
        errors=errors,
        panel=panel(
            page,
            "account/_parole_text.html",
            question=QUESTIONS[question],
            declaration=DECLARATION if question == "declaration" else None,
            sites=place_names if question == "site" else {},
        ),
        applicant_lang=page.applicant_lang,
    )


def render_check(
    page: Page,
    status: CaseStatusOut,
    application: Application,
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    g = page.gettext
    place = sites(page.request).get(application.answers["site"], "")
    rows = [
        (key, g.gettext(asked), place if key == "site" else g.gettext(YES))
        for key, asked in QUESTIONS.items()
    ]
    return page.render(
        "account/parole_check.html",
        status_code=status_code,
        title=g.gettext("Check your answers before you apply"),
        case=status,
        rows=rows,
        ready=_ready(status),
        errors=errors,
        assisted=page.who is not None and page.who.role is Role.CASEWORKER,
        panel=panel(
            page,
            "account/_parole_summary.html",
            rows=[
                (asked, place, False) if key == "site" else (asked, YES, True)
                for key, asked in QUESTIONS.items()
            ],
            declaration=DECLARATION,
            household=status.household_size,
        ),
        applicant_lang=page.applicant_lang,
    )


def add_parole_pages(router: APIRouter, settings: WebSettings) -> None:
    signer = URLSafeTimedSerializer(settings.secret_key, salt="corredor.parole.application")

    @router.get("/cases/{case_id}/parole", response_class=HTMLResponse)
    def start(request: Request, case_id: CaseId, who: Applicant) -> Response:
        page = signed_in_page(request, settings, who)
        status = _status(request, who, case_id)
        return page.render(
            "account/parole_start.html",
            title=page.gettext.gettext("Apply for parole to the United States"),
            case=status,
            ready=_ready(status),
            may_apply=_may_apply(status),
        )

    @router.get("/cases/{case_id}/parole/q/{question}", response_class=HTMLResponse)
    def ask(request: Request, case_id: CaseId, question: str, who: Applicant) -> Response:
        page = signed_in_page(request, settings, who)
        if question not in QUESTIONS:
            raise NotFound(f"no question {question}")
        status = _status(request, who, case_id)
        if not _may_apply(status):  # the start page says why
            return page.redirect(f"/cases/{case_id}/parole")
        application = _load(request, signer, case_id)
        values = {"answer": application.answers.get(question, "")}
        return render_question(page, status, question, values, {})

    @router.post("/cases/{case_id}/parole/q/{question}", response_class=HTMLResponse)
    async def answer(request: Request, case_id: CaseId, question: str, who: Applicant) -> Response:
        page = signed_in_page(request, settings, who)
        if question not in QUESTIONS:
            raise NotFound(f"no question {question}")
        form = await checked_form(request)
        status = _status(request, who, case_id)
        given = text(form, "answer")
        valid = given in sites(request) if question == "site" else given == "yes"
        if not valid:
            errors = {"answer": page.gettext.gettext(MISSING[question])}
            return render_question(page, status, question, form, errors, status_code=400)
        application = _load(request, signer, case_id)
        application.answers[question] = given
        following = application.next_question()
        target = f"/cases/{case_id}/parole/" + (f"q/{following}" if following else "check")
        return _save(page, page.redirect(target), signer, application)

    @router.get("/cases/{case_id}/parole/check", response_class=HTMLResponse)
    def check(request: Request, case_id: CaseId, who: Applicant) -> Response:
        page = signed_in_page(request, settings, who)
        status = _status(request, who, case_id)
        application = _load(request, signer, case_id)
        missing = application.next_question()
        if missing:
            return page.redirect(f"/cases/{case_id}/parole/q/{missing}")
        return render_check(page, status, application, {})

    @router.post("/cases/{case_id}/parole/check", response_class=HTMLResponse)
    async def submit(request: Request, case_id: CaseId, who: Applicant) -> Response:
        page = signed_in_page(request, settings, who)
        form = await checked_form(request)
        application = _load(request, signer, case_id)
        if application.next_question():
            return page.redirect(f"/cases/{case_id}/parole/q/{application.next_question()}")
        platform = platform_of(request)
        body = ParoleApplicationIn(
            channel="assisted_site" if who.role is Role.CASEWORKER else "web",
            site_id=application.answers["site"],
        )
        try:
            command = parole.apply_parole(platform, who, case_id, body)
            run_command(platform, who, command_key(form), command)
        except InvalidInput:
            status = _status(request, who, case_id)
            missing_site = MISSING["site"]
            errors = {"site": page.gettext.gettext(missing_site)}
            return render_check(page, status, application, errors, status_code=400)
        response = page.redirect(f"/cases/{case_id}?done=parole")
        page.forget(response, COOKIE)
        return response


def _may_apply(status: CaseStatusOut) -> bool:
    """The workflow's own answer (the case's allowed actions) and a disclosure to CBP in force:
    a person whose TVRH was refused is told at the start, not after answering."""
    ready = _ready(status)
    return "apply_parole" in status.allowed_actions and ready["tvrh"] and ready["consent"]


def _ready(status: CaseStatusOut) -> dict[str, bool]:
    """What the application needs before it can be sent (the workflow checks it again)."""
    return {
        "tvrh": status.state == "tvrh_issued",
        "consent": any(d.active and d.recipient == "CBP" for d in status.disclosures),
    }
