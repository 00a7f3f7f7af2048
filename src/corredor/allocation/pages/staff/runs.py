"""Staff: the page of an allocation run: counts per site and priority tier, seats given, the
seed, and the draw re-run here with the revealed seed (match or mismatch), with the command
that re-runs it elsewhere and a link to the public results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from corredor.allocation.pages.results import results_view, site_names
from corredor.allocation.pages.staff.common import done_notice, short_id
from corredor.allocation.use_cases import runs
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.web.page import WebSettings
from corredor.web.session import staff_page, who_may

P = Permission


def add_run_page(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/allocation/runs/{run_id}", response_class=HTMLResponse)
    def run_page(
        request: Request, run_id: str, who: Annotated[Principal, who_may(P.ALLOCATION_RUN)]
    ) -> Response:
        page = staff_page(request, settings, who)
        platform = platform_of(request)
        short_id(run_id)
        asked = request.query_params.get("verify") == "1"
        shown = runs.run_report(platform, who, run_id, verify=asked)  # NotFound: the 404 page
        results, window, report = shown.results, shown.window, shown.report
        g = page.gettext
        view = results_view(page, results, site_names(request))
        return page.render(
            "staff/allocation_run.html",
            title=g.gettext("Allocation run of %(date)s") % {"date": view["date"]},
            run=view,
            window={
                "id": window.id,
                "number": window.id[:8].upper(),
                "first": page.fmt.date(window.first_day),
                "last": page.fmt.date(window.last_day),
                "state": window.state,
                "may_reveal": shown.may_reveal,
            },
            requests=page.fmt.number(shown.requests),
            report=report,
            large=results.seed is not None and report is None,
            done=done_notice(page),
        )
