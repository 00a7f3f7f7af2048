"""Sign in, sign out, and the signed-in person's list of tasks."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.accounts import use_cases
from corredor.accounts.schemas import LoginIn
from corredor.api.security import PUBLIC, platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.errors import TooManyAttempts, Unauthenticated
from corredor.web.forms import text
from corredor.web.nav import home_for
from corredor.web.page import SESSION_COOKIE, Page, WebSettings, checked_form
from corredor.web.session import (
    PAGE_SIGNED_IN,
    SignInNeeded,
    safe_next,
    signed_in,
    signed_in_page,
)

Public = Depends(PUBLIC)


def add_account_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/sign-in", response_class=HTMLResponse, dependencies=[Public])
    def sign_in_form(request: Request) -> Response:
        page = Page(request, settings)
        return _render_sign_in(page, {"next": request.query_params.get("next", "")}, {})

    @router.post("/sign-in", response_class=HTMLResponse, dependencies=[Public])
    async def sign_in(request: Request) -> Response:
        page = Page(request, settings)
        form = await checked_form(request)
        _ = page.gettext.gettext
        values = {"username": text(form, "username"), "next": text(form, "next")}
        errors = {}
        if not values["username"]:
            errors["username"] = _("Enter your username")
        if not text(form, "password"):
            errors["password"] = _("Enter your password")
        if errors:
            return _render_sign_in(page, values, errors, status_code=400)
        platform = platform_of(request)
        try:
            body = LoginIn(username=values["username"], password=text(form, "password"))
            address = request.client.host if request.client else "unknown"
            token = use_cases.sign_in(platform, body, address)
        except TooManyAttempts as error:
            errors["username"] = _(
                "Too many attempts to sign in. Wait %(seconds)s seconds and try again."
            ) % {"seconds": page.fmt.number(error.retry_after)}
            response = _render_sign_in(page, values, errors, status_code=429)
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        except (Unauthenticated, ValidationError):
            errors["username"] = _("The username or the password is not right")
            return _render_sign_in(page, values, errors, status_code=400)
        response = page.redirect(safe_next(values["next"]) or home_for(token.role))
        page.cookie(response, SESSION_COOKIE, token.access_token, None)
        return response

    @router.post("/sign-out", dependencies=[Public])
    async def sign_out(request: Request) -> Response:
        page = Page(request, settings)
        await checked_form(request)
        # a session already ended needs nothing more than its cookie forgotten
        with suppress(SignInNeeded):
            use_cases.sign_out(platform_of(request), signed_in(request))  # ends the token too
        response = page.redirect("/sign-in?signed_out=1")
        page.forget(response, SESSION_COOKIE)
        return response

    @router.get("/account", response_class=HTMLResponse)
    def account(request: Request, who: Annotated[Principal, Depends(PAGE_SIGNED_IN)]) -> Response:
        page = signed_in_page(request, settings, who)
        return page.render("account/home.html", title=page.gettext.gettext("Your tasks"))


def _render_sign_in(
    page: Page, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    _ = page.gettext.gettext
    return page.render(
        "account/sign_in.html",
        status_code=status_code,
        title=(_("Error") + ": " if errors else "") + _("Sign in"),
        values=values,
        errors=errors,
        signed_out=page.request.query_params.get("signed_out") == "1",
    )
