"""The web shell: the two routers the pages join, the static files and the home page.

It imports no feature: the composition root (`corredor.app`) adds each feature's pages. The
pages keep no server state, and every form carries a CSRF token that must match the token cookie
(double submit).
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from corredor.api.security import PUBLIC
from corredor.web import labels
from corredor.web.demo import DEMO_PASSWORD, DEMO_USERS
from corredor.web.page import WEB_DIR, Page, WebSettings
from corredor.web.session import page_route_class

STATIC_FILES: Final = frozenset({"corredor.css"})


def shell_routers(settings: WebSettings) -> tuple[APIRouter, APIRouter]:
    """The two routers every page joins, with the static files and the home page already in:
    `public` declares every route public (the screener's, like the API's public routes), and
    on `pages` each page declares who may open it (a permission, signed in, or public). The
    composition root (`corredor.app`) adds each feature's pages."""
    route_class = page_route_class(settings)
    public = APIRouter(
        include_in_schema=False, dependencies=[Depends(PUBLIC)], route_class=route_class
    )
    _add_static_and_home(public, settings)
    pages = APIRouter(include_in_schema=False, route_class=route_class)
    return public, pages


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
