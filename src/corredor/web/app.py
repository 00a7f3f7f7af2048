"""The public web pages: a FastAPI router that renders Jinja2 templates, in five languages.

Mount it in any FastAPI app with ``app.include_router(create_web_router())``. The pages keep no
server state: the screener's answers travel in a signed cookie, and every form carries a CSRF
token that must match the token cookie (double submit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from babel.support import NullTranslations
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from corredor.api.security import PUBLIC
from corredor.documents.pages import add_document_pages
from corredor.documents.verify_pages import add_verify_pages
from corredor.domain.catalogue import Catalogue
from corredor.domain.facts import (
    DOCUMENT_TYPES,
    FACTS,
    PETITION_STATES,
    RELATIONS,
    US_STATUSES,
    VISA_CLASSES,
    FactKind,
)
from corredor.policy_files import load_catalogue
from corredor.portal.pages import add_portal_pages
from corredor.shelters.pages import add_shelter_pages
from corredor.web import labels
from corredor.web.account import add_account_pages
from corredor.web.allocation_results import add_allocation_result_pages
from corredor.web.appointments import add_appointment_pages
from corredor.web.cases import add_case_pages
from corredor.web.demo import DEMO_PASSWORD, DEMO_USERS
from corredor.web.page import (
    WEB_DIR,
    Page,
    WebSettings,
    checked_form,
    default_settings,
)
from corredor.web.parole import add_parole_pages
from corredor.web.places import country_names, region_names
from corredor.web.published import add_published_policy_pages
from corredor.web.results import CHILD_TITLE, PathwayView, child_protection, explain, group
from corredor.web.screener import (
    ELSEWHERE,
    ERRORS,
    ROWS,
    VOCABULARY,
    Answers,
    describe_answer,
    parse_answer,
    questions_needed,
    with_derived,
)
from corredor.web.session import page_route_class
from corredor.web.staff.allocation import add_staff_allocation_pages
from corredor.web.staff.assist import add_assist_pages
from corredor.web.staff.cbp import add_cbp_pages
from corredor.web.staff.desk import add_desk_pages
from corredor.web.staff.policies import add_policy_pages

STATIC_FILES: Final = frozenset({"corredor.css"})
ANSWERS_COOKIE: Final = "corredor_answers"
ANSWERS_MAX_AGE: Final = 24 * 3600  # answers are forgotten after a day


def save_answers(
    page: Page, response: Response, answers: Answers, signer: URLSafeTimedSerializer
) -> None:
    page.cookie(response, ANSWERS_COOKIE, str(signer.dumps(answers.to_json())), ANSWERS_MAX_AGE)


@dataclass(frozen=True)
class _Pages:
    """What every page handler shares: the rules, the settings, the answer signer, the date."""

    catalogue: Catalogue
    settings: WebSettings
    signer: URLSafeTimedSerializer
    today: Callable[[], date]

    def load_answers(self, request: Request) -> Answers:
        raw = request.cookies.get(ANSWERS_COOKIE)
        if not raw:
            return Answers()
        try:
            return Answers.from_json(self.signer.loads(raw, max_age=ANSWERS_MAX_AGE))
        except BadSignature:
            return Answers()

    async def checked_form(self, page: Page) -> Mapping[str, Any]:
        return await checked_form(page.request)


def create_web_router(
    catalogue: Catalogue | None = None,
    settings: WebSettings | None = None,
    today: Callable[[], date] = date.today,
) -> APIRouter:
    """The public pages. `today` decides which policy versions are in force (tests pin it)."""
    chosen = settings or default_settings()
    ctx = _Pages(
        catalogue=catalogue or load_catalogue(),
        settings=chosen,
        signer=URLSafeTimedSerializer(chosen.secret_key, salt="corredor.screener.answers"),
        today=today,
    )
    route_class = page_route_class(chosen)
    # the screener's pages are public, declared like the API's public routes
    router = APIRouter(
        include_in_schema=False, dependencies=[Depends(PUBLIC)], route_class=route_class
    )
    _add_home_and_question_pages(router, ctx)
    _add_result_pages(router, ctx)
    add_published_policy_pages(router, ctx.catalogue, ctx.settings, ctx.today)
    # the other pages each declare who may open them (a permission, signed in, or public)
    pages = APIRouter(include_in_schema=False, route_class=route_class)
    add_account_pages(pages, chosen)
    add_case_pages(pages, chosen)
    add_parole_pages(pages, chosen)
    add_desk_pages(pages, chosen)
    add_cbp_pages(pages, chosen)
    add_assist_pages(pages, chosen)
    add_policy_pages(pages, chosen)
    add_verify_pages(pages, chosen)
    add_allocation_result_pages(pages, chosen)
    add_document_pages(pages, chosen)
    add_appointment_pages(pages, chosen)
    add_staff_allocation_pages(pages, chosen)
    add_shelter_pages(pages, chosen)
    add_portal_pages(pages, chosen)
    router.include_router(pages)
    return router


def _add_home_and_question_pages(router: APIRouter, ctx: _Pages) -> None:
    @router.get("/static/{name}")
    def static(name: str) -> FileResponse:
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404)
        return FileResponse(WEB_DIR / "static" / name, headers={"Cache-Control": "max-age=86400"})

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        page = Page(request, ctx.settings)
        return page.render(
            "home.html",
            title=page.gettext.gettext("Find a safe, legal pathway"),
            demo_accounts=demo_accounts(request, page),
            demo_password=DEMO_PASSWORD,
        )

    @router.post("/screener/start")
    async def start(request: Request) -> Response:
        page = Page(request, ctx.settings)
        await ctx.checked_form(page)
        response = page.redirect("/screener/next")
        save_answers(page, response, Answers(), ctx.signer)
        return response

    @router.get("/screener/next")
    def next_question(request: Request) -> Response:
        page = Page(request, ctx.settings)
        needed = questions_needed(ctx.catalogue, ctx.load_answers(request), ctx.today())
        return page.redirect(f"/screener/q/{needed[0]}" if needed else "/screener/check")

    @router.get("/screener/q/{fact}", response_class=HTMLResponse)
    def question(request: Request, fact: str) -> Response:
        page = Page(request, ctx.settings)
        if fact not in FACTS:
            raise HTTPException(status_code=404)
        answers = ctx.load_answers(request)
        values = form_from_value(fact, answers.facts[fact]) if fact in answers.facts else {}
        return render_question(page, fact, values, {})

    @router.post("/screener/q/{fact}", response_class=HTMLResponse)
    async def answer(request: Request, fact: str) -> Response:
        page = Page(request, ctx.settings)
        if fact not in FACTS:
            raise HTTPException(status_code=404)
        form = await ctx.checked_form(page)
        answers = ctx.load_answers(request)
        if "skip" in form:
            answers = answers.with_skip(fact)
        else:
            result = parse_answer(fact, form, country_names(page.lang), ctx.today())
            if result.errors:
                return render_question(page, fact, form, result.errors, status_code=400)
            answers = (
                answers.with_skip(fact)
                if result.skipped
                else with_derived(answers.with_answer(fact, result.value), ctx.today())
            )
        response = page.redirect("/screener/next")
        save_answers(page, response, answers, ctx.signer)
        return response


def demo_accounts(request: Request, page: Page) -> list[tuple[str, str]]:
    """The demo accounts, when the app runs with demo data (`corredor serve --demo`)."""
    platform = getattr(request.app.state, "platform", None)
    if platform is None or not platform.settings.demo:
        return []
    g = page.gettext
    names = {**labels.ROLES, "applicant": labels.APPLICANT}
    return [
        (username, labels.named(names, role, g) + (f" ({agency})" if agency else ""))
        for username, role, agency in DEMO_USERS
    ]


def render_question(
    page: Page,
    fact: str,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    status_code: int = 200,
) -> Response:
    _ = page.gettext.gettext
    spec = FACTS[fact]
    question_text = _(spec.question)
    return page.render(
        "question.html",
        status_code=status_code,
        title=(_("Error") + ": " if errors else "") + question_text,
        fact=fact,
        kind=spec.kind.value,
        question=question_text,
        values=values,
        errors={field: _(ERRORS[key]) for field, key in errors.items()},
        countries=list(country_names(page.lang).items()),
        states=region_names(page.lang),
        elsewhere=ELSEWHERE,
        rows=range(1, ROWS + 1),
        choices=_choices(page.gettext),
    )


def _add_result_pages(router: APIRouter, ctx: _Pages) -> None:
    @router.get("/screener/check", response_class=HTMLResponse)
    def check(request: Request) -> Response:
        page = Page(request, ctx.settings)
        answers = ctx.load_answers(request)
        rows = [
            {
                "fact": fact,
                "question": page.gettext.gettext(FACTS[fact].question),
                "answer": describe_answer(fact, value, page.gettext, page.fmt.place, page.fmt.date),
            }
            for fact, value in answers.facts.items()
        ]
        skipped = [
            {"fact": fact, "question": page.gettext.gettext(FACTS[fact].question)}
            for fact in answers.skipped
        ]
        return page.render(
            "check.html",
            title=page.gettext.gettext("Check your answers"),
            rows=rows,
            skipped=skipped,
        )

    @router.post("/screener/check")
    async def confirm(request: Request) -> Response:
        page = Page(request, ctx.settings)
        await ctx.checked_form(page)
        return page.redirect("/screener/results")

    @router.get("/screener/results", response_class=HTMLResponse)
    def results(request: Request) -> Response:
        page = Page(request, ctx.settings)
        as_of = ctx.today()
        answers = ctx.load_answers(request)
        profile = answers.profile()
        decisions = ctx.catalogue.screen(profile, as_of)
        protection = child_protection(profile, page.gettext)
        views: list[PathwayView] = explain(
            ctx.catalogue,
            decisions,
            page.lang,
            page.gettext,
            page.fmt,
            unaccompanied_child=bool(protection),
        )
        return page.render(
            "results.html",
            title=page.gettext.gettext("Your results"),
            as_of=page.fmt.date(as_of),
            groups=group(views),
            child_protection=protection,
            child_title=page.gettext.gettext(CHILD_TITLE) if protection else "",
        )


def _choices(gettext: NullTranslations) -> dict[str, list[tuple[str, str]]]:
    """The options of the vocabulary selects: (value, text in the reader's language)."""

    def ordered(values: frozenset[str]) -> list[tuple[str, str]]:
        return [(key, gettext.gettext(text)) for key, text in VOCABULARY.items() if key in values]

    return {
        "documents": ordered(DOCUMENT_TYPES),
        "relations": ordered(RELATIONS),
        "statuses": ordered(US_STATUSES),
        "petitions": ordered(PETITION_STATES),
        "visas": ordered(VISA_CLASSES),
    }


def form_from_value(fact: str, value: Any) -> dict[str, Any]:
    """A stored answer as the form fields of its page, so "Change" shows what was given."""
    kind = FACTS[fact].kind
    if kind is FactKind.BOOLEAN:
        return {"answer": "yes" if value else "no"}
    if kind in (FactKind.COUNTRY, FactKind.REGION):
        return {"answer": value}
    if kind is FactKind.DATE:
        return _date_fields(value, "")
    if kind is FactKind.TERMS:
        return {"answer": list(value) or ["none"]}
    if kind in (FactKind.HOUSEHOLD, FactKind.ENTRIES):
        first, when = (
            ("relation", "birth_date") if kind is FactKind.HOUSEHOLD else ("country", "date")
        )
        fields: dict[str, Any] = {}
        for row, item in enumerate(value, start=1):
            fields[f"{first}-{row}"] = item[first]
            fields.update(_date_fields(item[when], f"-{row}"))
        return fields
    if value is None:
        return {"answer": "no"}
    return {"answer": "yes", **value}


def _date_fields(value: str, suffix: str) -> dict[str, str]:
    day = date.fromisoformat(value)
    return {
        f"day{suffix}": str(day.day),
        f"month{suffix}": str(day.month),
        f"year{suffix}": str(day.year),
    }
