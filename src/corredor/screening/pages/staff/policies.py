"""Staff: the policy files in force today (read-only), with their versions, dates and sources."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.web.i18n import pick
from corredor.web.page import WebSettings
from corredor.web.session import page_requires, staff_page


def add_policy_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/policies", response_class=HTMLResponse)
    def policies(
        request: Request,
        who: Annotated[Principal, Depends(page_requires(Permission.REFERENCE_READ))],
    ) -> Response:
        page = staff_page(request, settings, who)
        platform = platform_of(request)
        today = platform.today()
        rows, closed = [], []
        for pathway in platform.catalogue.pathway_ids():
            policy = platform.catalogue.in_effect(pathway, today)
            if policy is None:
                closed.append(pathway)
                continue
            rows.append(
                {
                    "id": policy.id,
                    "title": pick(policy.titles, page.lang) or policy.id,
                    "version": policy.version,
                    "from": page.fmt.date(policy.effective_from),
                    "until": page.fmt.date(policy.effective_until)
                    if policy.effective_until
                    else None,
                    "authority": ", ".join(str(a) for a in policy.authority),
                    "source": policy.source,
                    "file": f"policies/{policy.id}/{policy.version}.yaml",
                }
            )
        return page.render(
            "staff/policies.html",
            title=page.gettext.gettext("Policy files in force"),
            today=page.fmt.date(today),
            rows=rows,
            closed=closed,
        )
