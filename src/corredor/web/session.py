"""Signing in to the pages, and who may open each page.

The session cookie carries the same short-lived signed token the API hands out (services/auth),
so a page and an API call see the same `Principal` and the same permissions. The cookie is
HttpOnly, Secure and SameSite=Lax; it is renewed on every signed-in page, so a session ends after
the token's lifetime without activity.

Every page route declares who may open it (`page_requires(Permission.X)`, `PAGE_SIGNED_IN`, or
the API's `PUBLIC`), as the API routes do; tests/platform/test_routes.py walks them. Errors a
page meets are shown as pages in the reader's language: not signed in goes to the sign-in page,
a missing permission is a 403 page, an unknown id a 404 page, a wrong state a 409 page.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, Forbidden, NotFound, Unauthenticated
from corredor.web.i18n import STAFF_LANGUAGES
from corredor.web.labels import STATES, named
from corredor.web.page import SESSION_COOKIE, Page, WebSettings


class SignInNeeded(Exception):
    """No session, or it has ended: the page sends the person to sign in."""


def signed_in(request: Request) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInNeeded
    try:
        return platform_of(request).tokens.read(token)
    except Unauthenticated:
        raise SignInNeeded from None


class PageRequires:
    """Declares and checks one permission for a page. The use case checks it again, with scope."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, request: Request) -> Principal:
        who = signed_in(request)
        who.require(self.permission)
        return who


class PageSignedIn:
    """Any signed-in person, whatever the role (the account page)."""

    def __call__(self, request: Request) -> Principal:
        return signed_in(request)


def page_requires(permission: Permission) -> PageRequires:
    return PageRequires(permission)


def who_may(permission: Permission) -> Any:
    """A page route's declared permission: `who: Annotated[Principal, who_may(P.X)]`."""
    return Depends(page_requires(permission))


PAGE_SIGNED_IN = PageSignedIn()


def signed_in_page(request: Request, settings: WebSettings, who: Principal) -> Page:
    """A page for a signed-in person, renewing their session cookie. An applicant's pages are
    in all five languages; officers' and caseworkers' carry their tasks (staff messages) in the
    menu, so theirs are offered in Spanish and English only."""
    if who.role is not Role.APPLICANT:
        return staff_page(request, settings, who)
    renewed = platform_of(request).tokens.issue(who).value
    return Page(request, settings, who=who, renewed_session=renewed)


def staff_page(request: Request, settings: WebSettings, who: Principal) -> Page:
    """A signed-in page of officers and caseworkers: offered in Spanish and English, the
    languages the staff catalog is complete in."""
    renewed = platform_of(request).tokens.issue(who).value
    return Page(request, settings, who=who, renewed_session=renewed, languages=STAFF_LANGUAGES)


def sign_in_url(request: Request) -> str:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    return f"/sign-in?next={quote(target, safe='')}"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send someone elsewhere after they sign in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def error_page(page: Page, status: int, detail: str | None = None) -> Response:
    _ = page.gettext.gettext
    titles = {
        403: _("You cannot see this page"),
        404: _("Page not found"),
        409: _("This cannot be done now"),
    }
    texts = {
        403: _("Your account does not allow this. If you think it should, ask your supervisor."),
        404: _("There is nothing here, or it is not yours to see. Check the address."),
        409: _(
            "The case is not at a step where this can happen. Go back to the case to see "
            "what can be done now."
        ),
    }
    return page.render(
        "account/error.html",
        status_code=status,
        title=titles[status],
        message=texts[status],
        state=named(STATES, detail, page.gettext) if detail else None,
    )


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def page_route_class(settings: WebSettings) -> type[APIRoute]:
    """Routes whose errors are pages in the reader's language, not JSON."""

    class PageRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def shown_as_pages(request: Request) -> Response:
                try:
                    return await handler(request)
                except SignInNeeded:
                    return Page(request, settings).redirect(sign_in_url(request))
                except Forbidden:
                    return error_page(Page(request, settings), 403)
                except NotFound:
                    return error_page(Page(request, settings), 404)
                except Conflict as conflict:
                    return error_page(Page(request, settings), 409, conflict.state)
                except HTTPException as error:
                    if error.status_code not in (403, 404):
                        raise
                    return error_page(Page(request, settings), error.status_code)

            return shown_as_pages

    return PageRoute


def install_page_not_found(app: FastAPI, settings: WebSettings) -> None:
    """An address no route matches: a 404 page in the reader's language, except under /api/,
    where clients expect the API's JSON."""

    @app.exception_handler(StarletteHTTPException)
    async def _not_found(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404 and not request.url.path.startswith("/api/"):
            return error_page(Page(request, settings), 404)
        return await http_exception_handler(request, error)
