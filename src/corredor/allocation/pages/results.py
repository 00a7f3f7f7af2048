"""Published allocation results: every run, and per run the counts per site and tier, the seed
commitment, the revealed seed and how to re-run the draw. Public, in five languages, numbers
formatted per locale.

The list is `runs.published_runs`; a run's page is `runs.results`, the use case the API's public
route calls, so the page and `GET /api/v1/allocation/runs/{id}/results` publish the same figures;
nothing here names a person or a request.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from corredor.allocation.schemas import EarlyCloseOut, PublishedRun, RunResultsOut
from corredor.allocation.use_cases import runs as run_cases
from corredor.api.security import PUBLIC, platform_of
from corredor.kernel.errors import NotFound
from corredor.web.i18n import N_
from corredor.web.labels import named
from corredor.web.page import Page, WebSettings

MAX_ID_LENGTH: Final = 36

TIERS: Final[dict[str, str]] = {
    "urgent": N_("Urgent medical or protection need"),
    "long_wait": N_("Long wait (90 days or more)"),
    "standard": N_("Everyone else"),
}

SET_ASIDE: Final[dict[str, str]] = {
    "not_open": N_("Their group is not open yet"),
    "no_capacity": N_("No seats at their site in this run"),
}


def site_names(request: Request) -> dict[str, str]:
    return {place.id: place.name for place in platform_of(request).reference.sites}


def run_row(page: Page, run: PublishedRun, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": run.run_id,
        "date": page.fmt.date(run.run_date),
        "sites": [names.get(site, site) for site in run.site_ids],
        "requests": page.fmt.number(run.requests),
        "assigned": page.fmt.number(run.assigned_requests),
        "seed_revealed": run.seed_revealed,
    }


def results_view(page: Page, results: RunResultsOut, names: dict[str, str]) -> dict[str, Any]:
    """The run's published figures, each number in the reader's locale."""
    number = page.fmt.number
    g = page.gettext
    sites: dict[str, list[dict[str, str]]] = {}
    for count in results.counts:
        sites.setdefault(count.site_id, []).append(
            {
                "tier": named(TIERS, count.tier, g),
                "requests": number(count.requests),
                "people": number(count.people),
                "assigned_requests": number(count.assigned_requests),
                "assigned_people": number(count.assigned_people),
                "waitlisted": number(count.waitlisted_requests),
            }
        )
    return {
        "id": results.run_id,
        "date": page.fmt.date(results.run_date),
        "rule": str(results.rule.get("version", "")),
        "policy": results.policy,
        "cohorts": results.cohorts_open or [],
        "sites": [(names.get(site, site), rows) for site, rows in sites.items()],
        "assigned": number(results.assigned_requests),
        "set_aside": [
            (named(SET_ASIDE, status, g), number(count))
            for status, count in sorted(results.set_aside.items())
            if count
        ],
        "commitment": results.seed_commitment,
        "seed": results.seed,
        "requests_sha256": results.requests_sha256,
        "results_sha256": results.results_sha256,
        "early": _early_close(page, results.early_close),
    }


def _early_close(page: Page, early: EarlyCloseOut | None) -> dict[str, str] | None:
    """A window closed before its published close: the reason, both officers, both times."""
    if early is None or early.closed_at is None:
        return None
    return {
        "reason": early.reason,
        "requested_by": early.requested_by,
        "confirmed_by": early.confirmed_by or "",
        "published_close": page.fmt.datetime(early.published_close),
        "closed_at": page.fmt.datetime(early.closed_at),
    }


def add_allocation_result_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/allocation/results", response_class=HTMLResponse, dependencies=[Depends(PUBLIC)])
    def runs(request: Request) -> Response:
        page = Page(request, settings)
        platform = platform_of(request)
        found = run_cases.published_runs(platform)
        names = site_names(request)
        return page.render(
            "allocation/runs.html",
            title=page.gettext.gettext("Allocation results"),
            runs=[run_row(page, run, names) for run in found],
        )

    @router.get(
        "/allocation/results/{run_id}",
        response_class=HTMLResponse,
        dependencies=[Depends(PUBLIC)],
    )
    def run(request: Request, run_id: str) -> Response:
        page = Page(request, settings)
        platform = platform_of(request)
        if len(run_id) > MAX_ID_LENGTH:  # no run has such an id: the 404 page, not a 422
            raise NotFound(run_id[:MAX_ID_LENGTH])
        results = run_cases.results(platform, run_id)  # NotFound: the 404 page
        view = results_view(page, results, site_names(request))
        return page.render(
            "allocation/run.html",
            title=page.gettext.gettext("Allocation of %(date)s") % {"date": view["date"]},
            run=view,
        )
