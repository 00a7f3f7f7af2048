"""The caseworker's assisted mode: find the person's case, and choose the language the person
reads while the caseworker works in their own (`?for=en`; the pages then show the applicant-facing
text, such as the consent and the parole declaration, in that language beside the caseworker's).
The document number is sent in the form's body (POST), so it is in no URL, history or log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.cases.schemas import CaseStatusOut
from corredor.cases.use_cases import reading
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.web import labels
from corredor.web.forms import text
from corredor.web.page import WebSettings, checked_form
from corredor.web.session import page_requires, staff_page


def add_assist_pages(router: APIRouter, settings: WebSettings) -> None:
    def render(
        request: Request, who: Principal, number: str, found: list[CaseStatusOut] | None
    ) -> Response:
        page = staff_page(request, settings, who)
        return page.render(
            "staff/assist.html",
            title=page.gettext.gettext("Assist a person"),
            document=number,
            found=found,
            state_name=lambda code: labels.named(labels.STATES, code, page.gettext),
        )

    @router.get("/assist", response_class=HTMLResponse)
    def assist(
        request: Request,
        who: Annotated[Principal, Depends(page_requires(Permission.CASE_READ))],
    ) -> Response:
        return render(request, who, "", None)

    @router.post("/assist", response_class=HTMLResponse)
    async def find_case(
        request: Request,
        who: Annotated[Principal, Depends(page_requires(Permission.CASE_READ))],
    ) -> Response:
        """The document number travels in the form's body, never in the URL or a log line."""
        number = text(await checked_form(request), "document")[:40]
        found = None
        if number:
            # a search by document number looks up personal data: the use case audits it
            found = reading.list_cases(platform_of(request), who, document_number=number)
        return render(request, who, number, found)
