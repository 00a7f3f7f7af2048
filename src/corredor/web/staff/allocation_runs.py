"""Staff: the page of an allocation run: counts per site and priority tier, seats given, the
seed, and the draw re-run here with the revealed seed (match or mismatch), with the command
that re-runs it elsewhere and a link to the public results."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from corredor.allocation.use_cases import runs, windows
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.web.allocation_results import results_view, site_names
from corredor.web.page import WebSettings
from corredor.web.session import staff_page, who_may
from corredor.web.staff.allocation_common import done_notice, own_sites, short_id

P = Permission
# A run of more requests is re-run when the officer asks, not each time its page opens.
VERIFY_ON_OPEN: Final = 20_000


def add_run_page(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/allocation/runs/{run_id}", response_class=HTMLResponse)
    def run_page(
        request: Request, run_id: str, who: Annotated[Principal, who_may(P.ALLOCATION_RUN)]
    ) -> Response:
        page = staff_page(request, settings, who)
        platform = platform_of(request)
        short_id(run_id)
        results = runs.results(platform, run_id)  # NotFound: the 404 page
        window = windows.window(platform, results.window_id)
        requests = sum(count.requests for count in results.counts)
        checked = results.seed is not None and (
            requests <= VERIFY_ON_OPEN or request.query_params.get("verify") == "1"
        )
        report = runs.verify_run(platform, run_id) if checked else None
        g = page.gettext
        mine = {site for site, _ in own_sites(platform, who)}
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
                "may_reveal": window.state == "allocated" and set(window.site_ids) <= mine,
            },
            requests=page.fmt.number(requests),
            report=report,
            large=results.seed is not None and report is None,
            done=done_notice(page),
        )
