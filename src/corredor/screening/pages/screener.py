"""The screener's pages: one question per fact the rules still need, a check of the answers, and
the results in the reader's language.

The pages keep no server state: the answers travel in a signed cookie that expires after a day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from babel.support import NullTranslations
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import (
    DOCUMENT_TYPES,
    FACTS,
    PETITION_STATES,
    RELATIONS,
    US_STATUSES,
    VISA_CLASSES,
    FactKind,
)
from corredor.screening.pages.questions import (
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
from corredor.screening.pages.results import (
    CHILD_TITLE,
    PathwayView,
    child_protection,
    explain,
    group,
)
from corredor.screening.use_cases import usage
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.places import country_names, region_names

ANSWERS_COOKIE: Final = "corredor_answers"
ANSWERS_MAX_AGE: Final = 24 * 3600  # answers are forgotten after a day


def save_answers(
    page: Page, response: Response, answers: Answers, signer: URLSafeTimedSerializer
) -> None:
    page.cookie(response, ANSWERS_COOKIE, str(signer.dumps(answers.to_json())), ANSWERS_MAX_AGE)


@dataclass(frozen=True)
class _Pages:
    """What every screener page shares: the rules, the settings, the answer signer, the date."""

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


def add_screener_pages(
    router: APIRouter, catalogue: Catalogue, settings: WebSettings, today: Callable[[], date]
) -> None:
    """`/screener/...`; `router` is the public pages' router. `today` decides which policy
    versions are in force (tests pin it)."""
    ctx = _Pages(
        catalogue=catalogue,
        settings=settings,
        signer=URLSafeTimedSerializer(settings.secret_key, salt="corredor.screener.answers"),
        today=today,
    )
    _add_question_pages(router, ctx)
    _add_result_pages(router, ctx)


def _add_question_pages(router: APIRouter, ctx: _Pages) -> None:
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
        # the screening is complete: the portal counts it by language and result, no more
        platform = getattr(request.app.state, "platform", None)  # none: the pages stand alone
        if platform is not None:
            profile = ctx.load_answers(request).profile()
            decisions = ctx.catalogue.screen(profile, ctx.today())
            usage.count_completed(platform, page.lang, usage.best_result(decisions))
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
