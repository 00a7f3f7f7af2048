"""Staff: capacity per site and day, request windows and allocation runs (INM and CBP officers).

Each page is a view of the use case the API route of the same purpose calls, with the signed-in
`Principal`: `windows.set_capacity` (`POST /allocation/capacity`), `windows.open_window`,
`runs.run_window`, `runs.reveal_seed`, and `runs.results` and `verify_run` for a run. An
officer acts only for the sites of their own agency (INM its border points, CBP the assisted site
and ports): the use case refuses the others, and the refusal is a 403 page. Every change is in
the audit log, written by the use case.

This module adds the area's pages and holds the capacity page; `windows` holds the
windows and their run and seed buttons, `runs` the page of a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from corredor.allocation.pages.forms import form_key
from corredor.allocation.pages.staff.common import (
    cohorts,
    done_notice,
    known_sites,
    messages,
    refused,
)
from corredor.allocation.pages.staff.forms import parse_capacity
from corredor.allocation.pages.staff.runs import add_run_page
from corredor.allocation.pages.staff.windows import add_window_pages
from corredor.allocation.use_cases import windows
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, Forbidden, InvalidInput
from corredor.web.i18n import N_
from corredor.web.nav import NavEntry, add_entry
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import staff_page, who_may

P = Permission
DAYS_SHOWN: Final = 14


def add_staff_allocation_pages(router: APIRouter, settings: WebSettings) -> None:
    """Add the pages of this area to `router`."""
    add_entry(NavEntry("/staff/capacity", N_("Capacity and windows"), P.CAPACITY_UPDATE))
    _add_capacity_pages(router, settings)
    add_window_pages(router, settings)
    add_run_page(router, settings)


def _from_query(request: Request, today: date) -> date:
    try:
        return date.fromisoformat(request.query_params.get("from", ""))
    except ValueError:
        return today


def render_capacity(
    page: Page, values: Mapping[str, Any], errors: Mapping[str, str], status_code: int = 200
) -> Response:
    g = page.gettext
    platform = platform_of(page.request)
    who = page.who
    assert who is not None, "a signed-in page"
    first = _from_query(page.request, platform.today())
    last = first + timedelta(days=DAYS_SHOWN - 1)
    rows, unset = [], []
    board = windows.capacity_board(platform, who, first, last)
    for site in board.capacity:
        name, days = site.name, site.days
        if not days:
            unset.append(name)
        for day in days:
            by = site.changed_by.get(day.day)
            rows.append(
                {
                    "site": name,
                    "day": page.fmt.date(day.day),
                    "seats": page.fmt.number(day.seats),
                    "quotas": [(c, page.fmt.number(n)) for c, n in sorted(day.quotas.items())],
                    "taken": page.fmt.number(day.seats_taken),
                    "by": by.username if by else "",
                    "at": page.fmt.datetime(by.at) if by else "",
                }
            )
    return page.render(
        "staff/allocation_capacity.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "")
        + g.gettext("Capacity per site and day"),
        first=page.fmt.date(first),
        last=page.fmt.date(last),
        earlier=(first - timedelta(days=DAYS_SHOWN)).isoformat(),
        later=(last + timedelta(days=1)).isoformat(),
        rows=rows,
        unset=unset,
        sites=board.sites,
        cohorts=cohorts(platform, page.lang),
        values=values,
        errors=messages(page, errors),
        done=done_notice(page),
    )


def _add_capacity_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/capacity", response_class=HTMLResponse)
    def capacity(
        request: Request, who: Annotated[Principal, who_may(P.CAPACITY_UPDATE)]
    ) -> Response:
        return render_capacity(staff_page(request, settings, who), {}, {})

    @router.post("/staff/capacity", response_class=HTMLResponse)
    async def set_capacity(
        request: Request, who: Annotated[Principal, who_may(P.CAPACITY_UPDATE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        groups = [cohort for cohort, _ in cohorts(platform, page.lang)]
        body, errors = parse_capacity(form, known_sites(platform), groups)
        if body is None:
            return render_capacity(page, form, errors, status_code=400)
        try:
            run_command(platform, who, form_key(form), windows.set_capacity(platform, who, body))
        except Forbidden:
            return refused(page)
        except Conflict:  # seats already given on one of the days
            return render_capacity(page, form, {"seats": "seats_taken"}, status_code=409)
        except InvalidInput as error:
            field = "site" if error.field == "site_id" else "seats"
            return render_capacity(page, form, {field: field}, status_code=400)
        return page.redirect(f"/staff/capacity?from={body.from_day.isoformat()}&done=capacity")
