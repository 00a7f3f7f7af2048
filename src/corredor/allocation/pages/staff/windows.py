"""Staff: request windows at the officer's sites, opening one (its seed commitment shown at
once), and the buttons that run a window's allocation and reveal its seed.

A window runs after its published close. Before it, the page offers only an early close: one
officer asks with a reason, a different officer of the agency confirms (`early_close`), and
only then does the run button appear; the refusals are the use cases'."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.allocation.pages.forms import form_key
from corredor.allocation.pages.results import site_names
from corredor.allocation.pages.staff.common import (
    done_notice,
    known_sites,
    messages,
    not_now,
    refused,
    short_id,
    staged_pathways,
)
from corredor.allocation.pages.staff.forms import parse_window
from corredor.allocation.schemas import EarlyCloseIn, EarlyCloseOut, RunIn, WindowLine, WindowOut
from corredor.allocation.use_cases import early_close, runs, windows
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, Forbidden, InvalidInput
from corredor.web.forms import text
from corredor.web.i18n import N_
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import staff_page, who_may

P = Permission
NOT_CLOSED: Final = N_(
    "This window is still open for requests. It runs after its published close, or earlier "
    "only once another officer has confirmed an early close."
)
STATES: Final[dict[str, str]] = {
    "open": N_("Open for requests"),
    "closed": N_("Closed for requests: ready to run"),
    "allocated": N_("Allocation run; seed not revealed yet"),
    "revealed": N_("Allocation run; seed revealed"),
}


def _state(window: WindowOut, moment: datetime) -> str:
    if window.state == "open" and window.closes_at <= moment:
        return "closed"
    return window.state if window.state in STATES else "open"


def _early(page: Page, early: EarlyCloseOut | None) -> dict[str, Any] | None:
    if early is None:
        return None
    who = page.who
    return {
        "reason": early.reason,
        "requested_by": early.requested_by,
        "requested_at": page.fmt.datetime(early.requested_at),
        "confirmed_by": early.confirmed_by,
        "confirmed_at": page.fmt.datetime(early.confirmed_at) if early.confirmed_at else "",
        "mine": who is not None and who.username == early.requested_by,
    }


def _window_row(
    page: Page, line: WindowLine, names: Mapping[str, str], moment: datetime
) -> dict[str, Any]:
    w = line.window
    state = _state(w, moment)
    early = _early(page, line.early_close)
    return {
        "id": w.id,
        "number": w.id[:8].upper(),
        "sites": [names.get(site, site) for site in w.site_ids],
        "first": page.fmt.date(w.first_day),
        "last": page.fmt.date(w.last_day),
        "closes": page.fmt.datetime(w.closes_at),
        "requests": page.fmt.number(line.requests),
        "state": state,
        "state_label": page.gettext.gettext(STATES[state]),
        "early": early,
        # before the published close, the run needs an early close confirmed by a second officer
        "may_run": state == "closed" or (state == "open" and bool(early and early["confirmed_by"])),
        "commitment": w.seed_commitment,
        "seed": w.seed,
        "run_id": w.run_id,
        "policy": w.policy_id,
    }


def render_windows(
    page: Page, values: Mapping[str, Any], errors: Mapping[str, str], status_code: int = 200
) -> Response:
    g = page.gettext
    platform = platform_of(page.request)
    who = page.who
    assert who is not None, "a signed-in page"
    board = windows.window_board(platform, who)
    names = site_names(page.request)
    moment = platform.now()
    rows = [_window_row(page, line, names, moment) for line in board.windows]
    opened = page.request.query_params.get("opened", "")
    pathways = staged_pathways(platform, page.lang)
    return page.render(
        "staff/allocation_windows.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "")
        + g.gettext("Request windows and allocation runs"),
        windows=rows,
        opened=next((w for w in rows if w["id"] == opened), None),
        sites=board.sites,
        pathways=[(pathway, title) for pathway, title, _ in pathways],
        values=values,
        errors=messages(page, errors),
        done=done_notice(page),
    )


def add_window_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/allocation/windows", response_class=HTMLResponse)
    def window_list(
        request: Request, who: Annotated[Principal, who_may(P.ALLOCATION_WINDOW)]
    ) -> Response:
        return render_windows(staff_page(request, settings, who), {}, {})

    @router.post("/staff/allocation/windows", response_class=HTMLResponse)
    async def open_window(
        request: Request, who: Annotated[Principal, who_may(P.ALLOCATION_WINDOW)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        pathways = {pathway for pathway, _, _ in staged_pathways(platform, page.lang)}
        body, errors = parse_window(form, known_sites(platform), pathways, platform.now())
        if body is None:
            return render_windows(page, form, errors, status_code=400)
        try:
            opened = run_command(
                platform, who, form_key(form), windows.open_window(platform, who, body)
            )
        except Forbidden:
            return refused(page)
        except Conflict:  # another window fills some of these days at a site
            return render_windows(page, form, {"first-day": "clash"}, status_code=409)
        except InvalidInput as error:
            field, key = {
                "closes_at": ("closes-day", "closes"),
                "policy_id": ("policy", "policy"),
            }.get(error.field, ("sites", "sites"))
            return render_windows(page, form, {field: key}, status_code=400)
        return page.redirect(f"/staff/allocation/windows?opened={opened.id}")

    @router.post("/staff/allocation/windows/{window_id}/run", response_class=HTMLResponse)
    async def run(
        request: Request, window_id: str, who: Annotated[Principal, who_may(P.ALLOCATION_RUN)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        short_id(window_id)
        field = f"seed-{window_id}"
        try:
            body = RunIn(seed=text(form, "seed") or None)
        except ValidationError:
            return render_windows(page, form, {field: "seed"}, status_code=400)
        try:
            ran = run_command(
                platform, who, form_key(form), runs.run_window(platform, who, window_id, body)
            )
        except Forbidden:
            return refused(page)
        except Conflict as conflict:
            if conflict.state == "open":  # before the published close, no confirmed early close
                return not_now(page, page.gettext.gettext(NOT_CLOSED))
            return not_now(page, page.gettext.gettext("This window has already been run."))
        except InvalidInput:  # the seed, when the operator committed to their own
            return render_windows(page, form, {field: "seed"}, status_code=400)
        return page.redirect(f"/staff/allocation/runs/{ran.run_id}?done=run")

    _add_early_close_pages(router, settings)

    @router.post("/staff/allocation/windows/{window_id}/seed-reveal", response_class=HTMLResponse)
    async def reveal(
        request: Request, window_id: str, who: Annotated[Principal, who_may(P.ALLOCATION_RUN)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        short_id(window_id)
        try:
            revealed = run_command(
                platform, who, form_key(form), runs.reveal_seed(platform, who, window_id)
            )
        except Forbidden:
            return refused(page)
        except Conflict:
            message = page.gettext.gettext("The seed is revealed once, after the allocation run.")
            return not_now(page, message)
        return page.redirect(f"/staff/allocation/runs/{revealed.run_id}?done=revealed")


def _add_early_close_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.post("/staff/allocation/windows/{window_id}/early-close", response_class=HTMLResponse)
    async def ask(
        request: Request, window_id: str, who: Annotated[Principal, who_may(P.ALLOCATION_RUN)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        short_id(window_id)
        field = f"reason-{window_id}"
        try:
            body = EarlyCloseIn(reason=text(form, "reason"))
        except ValidationError:
            return render_windows(page, form, {field: "reason"}, status_code=400)
        command = early_close.request_early_close(platform, who, window_id, body)
        try:
            run_command(platform, who, form_key(form), command)
        except Forbidden:
            return refused(page)
        except Conflict:
            return not_now(page, page.gettext.gettext(EARLY_CLOSE_NOT_NOW))
        return page.redirect("/staff/allocation/windows?done=early-close")

    @router.post(
        "/staff/allocation/windows/{window_id}/early-close/confirmation",
        response_class=HTMLResponse,
    )
    async def confirm(
        request: Request, window_id: str, who: Annotated[Principal, who_may(P.ALLOCATION_RUN)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        short_id(window_id)
        command = early_close.confirm_early_close(platform, who, window_id)
        try:
            run_command(platform, who, form_key(form), command)
        except Forbidden:
            return refused(page)
        except Conflict:
            return not_now(page, page.gettext.gettext(CONFIRM_NOT_NOW))
        return page.redirect("/staff/allocation/windows?done=confirmed")


EARLY_CLOSE_NOT_NOW: Final = N_(
    "An early close cannot be asked for now: the window has closed or run, or another officer "
    "has already asked."
)
CONFIRM_NOT_NOW: Final = N_(
    "You cannot confirm this early close: the officer who asked cannot confirm their own "
    "request, and only a pending request of an open window can be confirmed."
)
