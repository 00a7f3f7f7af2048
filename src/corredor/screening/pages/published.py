"""The published criteria: a public page per pathway with every version, its dates, its sources
and what changed between versions, clause by clause (seed 000 asks for clear, stable, published
criteria). No sign-in: anyone can check a rule against its source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.policy import Policy, Status
from corredor.screening.domain.policy_diff import clause_rows, history
from corredor.web.i18n import pick
from corredor.web.page import Page, WebSettings


def _state(policy_versions: list[Policy], today: date, page: Page) -> str:
    _ = page.gettext.gettext
    current = next((p for p in policy_versions if p.in_effect(today)), None)
    if current is not None:
        return _("In force today")
    upcoming = [p for p in policy_versions if p.effective_from > today]
    if upcoming:
        return _("Opens on %(date)s") % {"date": page.fmt.date(upcoming[0].effective_from)}
    last = policy_versions[-1]
    assert last.effective_until is not None
    closed = last.effective_until + timedelta(days=1)
    return _("Closed since %(date)s") % {"date": page.fmt.date(closed)}


def _version(policy: Policy, changes: list[Any], page: Page) -> dict[str, Any]:
    lang = page.lang
    return {
        "version": policy.version,
        "from": page.fmt.date(policy.effective_from),
        "until": page.fmt.date(policy.effective_until) if policy.effective_until else None,
        "authority": ", ".join(str(a) for a in policy.authority),
        "legal_basis": policy.legal_basis,
        "sources": policy.source,
        "dates_source": policy.dates_source,
        "file": f"policies/{policy.id}/{policy.version}.yaml",
        "clauses": [
            {
                "label": pick(row.label, lang) or row.requirement,
                "requirement": row.requirement,
                "source": row.source,
                "judgement": row.judgement,
            }
            for row in clause_rows(policy)
        ],
        "changes": [
            {
                "kind": change.kind,
                "label": pick(change.label, lang) or "",
                "before": change.before,
                "after": change.after,
            }
            for change in changes
        ],
    }


def add_published_policy_pages(
    router: APIRouter, catalogue: Catalogue, settings: WebSettings, today: Callable[[], date]
) -> None:
    """`/policies` and `/policies/{pathway}`; `router` is the public pages' router."""

    @router.get("/policies", response_class=HTMLResponse)
    def published(request: Request) -> Response:
        page = Page(request, settings)
        day = today()
        rows = []
        for pathway in catalogue.pathway_ids():
            versions = catalogue.versions(pathway)
            rows.append(
                {
                    "id": pathway,
                    "title": pick(versions[-1].titles, page.lang) or pathway,
                    "state": _state(versions, day, page),
                    "proposal": versions[-1].status is Status.PROPOSAL,
                    "versions": len(versions),
                }
            )
        return page.render(
            "policies.html", title=page.gettext.gettext("Published rules"), rows=rows
        )

    @router.get("/policies/{pathway}", response_class=HTMLResponse)
    def published_pathway(request: Request, pathway: str) -> Response:
        page = Page(request, settings)
        if pathway not in catalogue.pathway_ids():
            raise HTTPException(status_code=404)
        versions = catalogue.versions(pathway)
        newest_first = [_version(p, c, page) for p, c in reversed(history(versions))]
        latest = versions[-1]
        return page.render(
            "policy.html",
            title=pick(latest.titles, page.lang) or pathway,
            heading=pick(latest.titles, page.lang) or pathway,
            summary=pick(latest.summary, page.lang),
            state=_state(versions, today(), page),
            proposal=latest.status is Status.PROPOSAL,
            versions=newest_first,
        )
