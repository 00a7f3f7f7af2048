"""The public web pages: a FastAPI router that renders Jinja2 templates, in five languages.

Mount it in any FastAPI app with ``app.include_router(create_web_router())``. This shell serves
the static files and the home page, and builds the router from each feature's page modules. The
pages keep no server state, and every form carries a CSRF token that must match the token cookie
(double submit).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Final

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from corredor.accounts.pages import add_account_pages
from corredor.allocation.pages.applicant import add_appointment_pages
from corredor.allocation.pages.results import add_allocation_result_pages
from corredor.allocation.pages.staff.capacity import add_staff_allocation_pages
from corredor.api.security import PUBLIC
from corredor.cases.pages.case import add_case_pages
from corredor.cases.pages.parole import add_parole_pages
from corredor.cases.pages.staff.assist import add_assist_pages
from corredor.cases.pages.staff.cbp import add_cbp_pages
from corredor.cases.pages.staff.desk import add_desk_pages
from corredor.documents.pages import add_document_pages
from corredor.documents.verify_pages import add_verify_pages
from corredor.portal.pages import add_portal_pages
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.pages.published import add_published_policy_pages
from corredor.screening.pages.screener import add_screener_pages
from corredor.screening.pages.staff.policies import add_policy_pages
from corredor.screening.use_cases.policies import read_catalogue
from corredor.sharing.pages.access import add_access_page
from corredor.sharing.pages.consent import add_consent_pages
from corredor.sharing.pages.staff.disclosure import add_disclosure_pages
from corredor.shelters.pages import add_shelter_pages
from corredor.web import labels
from corredor.web.demo import DEMO_PASSWORD, DEMO_USERS
from corredor.web.page import WEB_DIR, Page, WebSettings, default_settings
from corredor.web.session import page_route_class

STATIC_FILES: Final = frozenset({"corredor.css"})


def create_web_router(
    catalogue: Catalogue | None = None,
    settings: WebSettings | None = None,
    today: Callable[[], date] = date.today,
) -> APIRouter:
    """The public pages. `today` decides which policy versions are in force (tests pin it)."""
    chosen = settings or default_settings()
    rules = catalogue or read_catalogue()
    route_class = page_route_class(chosen)
    # the screener's pages are public, declared like the API's public routes
    router = APIRouter(
        include_in_schema=False, dependencies=[Depends(PUBLIC)], route_class=route_class
    )
    _add_static_and_home(router, chosen)
    add_screener_pages(router, rules, chosen, today)
    add_published_policy_pages(router, rules, chosen, today)
    # the other pages each declare who may open them (a permission, signed in, or public)
    pages = APIRouter(include_in_schema=False, route_class=route_class)
    add_account_pages(pages, chosen)
    add_case_pages(pages, chosen)
    add_access_page(pages, chosen)
    add_consent_pages(pages, chosen)
    add_parole_pages(pages, chosen)
    add_desk_pages(pages, chosen)
    add_disclosure_pages(pages, chosen)
    add_cbp_pages(pages, chosen)
    add_assist_pages(pages, chosen)
    add_policy_pages(pages, chosen)
    add_verify_pages(pages, chosen)
    add_allocation_result_pages(pages, chosen)
    add_document_pages(pages, chosen)
    add_appointment_pages(pages, chosen)
    add_staff_allocation_pages(pages, chosen)
    add_shelter_pages(pages, chosen)
    add_portal_pages(pages, chosen)
    router.include_router(pages)
    return router


def _add_static_and_home(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/static/{name}")
    def static(name: str) -> FileResponse:
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404)
        return FileResponse(WEB_DIR / "static" / name, headers={"Cache-Control": "max-age=86400"})

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        page = Page(request, settings)
        return page.render(
            "home.html",
            title=page.gettext.gettext("Find a safe, legal pathway"),
            demo_accounts=demo_accounts(request, page),
            demo_password=DEMO_PASSWORD,
        )


def demo_accounts(request: Request, page: Page) -> list[tuple[str, str]]:
    """The demo accounts, when the app runs with demo data (`corredor serve --demo`)."""
    platform = getattr(request.app.state, "platform", None)
    if platform is None or not platform.settings.demo:
        return []
    g = page.gettext
    names = {**labels.ROLES, "applicant": labels.APPLICANT}
    return [
        (username, labels.named(names, role, g) + (f" ({agency})" if agency else ""))
        for username, role, agency in DEMO_USERS
    ]
