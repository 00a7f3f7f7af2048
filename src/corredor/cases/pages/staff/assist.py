"""The caseworker's assisted mode: find the person's case, and choose the language the person
reads while the caseworker works in their own (`?for=en`; the pages then show the applicant-facing
text, such as the consent and the parole declaration, in that language beside the caseworker's).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.cases.schemas import CaseStatusOut
from corredor.cases.use_cases import reading
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.web import labels
from corredor.web.page import WebSettings
from corredor.web.session import page_requires, staff_page

Document = Annotated[str, Query(max_length=40)]


def add_assist_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/assist", response_class=HTMLResponse)
    def assist(
        request: Request,
        who: Annotated[Principal, Depends(page_requires(Permission.CASE_READ))],
        document: Document = "",
    ) -> Response:
        page = staff_page(request, settings, who)
        platform = platform_of(request)
        found: list[CaseStatusOut] | None = None
        number = document.strip()
        if number:
            # a search by document number looks up personal data: the use case audits it
            found = reading.list_cases(platform, who, document_number=number)
        return page.render(
            "staff/assist.html",
            title=page.gettext.gettext("Assist a person"),
            document=number,
            found=found,
            state_name=lambda code: labels.named(labels.STATES, code, page.gettext),
        )
