"""What every page shares: its language, its CSRF token, its cookies, and rendering a template.

A page answers in the reader's language; a form is accepted only with the CSRF token that equals
the token cookie (double submit, compared in constant time).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from corredor.config import Settings
from corredor.kernel.auth import Principal
from corredor.web.forms import KEY_FIELD, new_form_key
from corredor.web.i18n import (
    LANG_COOKIE,
    LANGUAGE_CODES,
    LANGUAGES,
    Formatter,
    choose_language,
    translations,
)
from corredor.web.nav import entries_for

WEB_DIR: Final = Path(__file__).parent
CSRF_COOKIE: Final = "corredor_csrf"
CSRF_FIELD: Final = "csrf_token"
SESSION_COOKIE: Final = "corredor_session"
# Assisted mode: the language of the person a caseworker is helping, which may differ from the
# caseworker's own. `?for=en` chooses it (remembered); `?for=` ends it.
APPLICANT_LANG_COOKIE: Final = "corredor_for"
YEAR: Final = 365 * 24 * 3600


@cache
def environment(code: str) -> Environment:
    """One template environment per language, with that language's catalogs installed."""
    env = Environment(
        loader=FileSystemLoader(WEB_DIR / "templates"),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(code), newstyle=True)  # type: ignore[attr-defined]
    return env


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    secure_cookies: bool = True


def default_settings(settings: Settings | None = None) -> WebSettings:
    """The secret is `Settings.web_secret` (CORREDOR_WEB_SECRET); without it, one per process
    (answers reset when the server restarts, which is safe)."""
    secret = (settings or Settings()).web_secret or secrets.token_urlsafe(32)
    return WebSettings(secret_key=secret)


class Page:
    """One request's language, CSRF token and cookies to set, and how to render a template.

    `who` is the signed-in person, if the page needs one: their session is renewed on every
    page they open, so it ends after the token's lifetime of inactivity, not in mid-form.
    """

    def __init__(
        self,
        request: Request,
        settings: WebSettings,
        who: Principal | None = None,
        renewed_session: str | None = None,
        languages: tuple[str, ...] = LANGUAGE_CODES,
    ) -> None:
        self.request = request
        self.settings = settings
        self.who = who
        self.renewed_session = renewed_session
        query_lang = request.query_params.get("lang")
        # A page is offered only in the languages its catalogs are complete in: staff pages in
        # Spanish and English, never half-translated in a third.
        self.languages = languages
        self.lang = choose_language(
            query_lang,
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
            among=languages,
        )
        self.remember_lang = (
            query_lang == self.lang and request.cookies.get(LANG_COOKIE) != query_lang
        )
        self.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        query_for = request.query_params.get("for")
        remembered_for = request.cookies.get(APPLICANT_LANG_COOKIE)
        self.applicant_lang_change = query_for if query_for != remembered_for else None
        chosen_for = remembered_for if query_for is None else query_for
        self.applicant_lang = chosen_for if chosen_for in LANGUAGE_CODES else None
        self.fmt = Formatter(self.lang)
        self.gettext = translations(self.lang)

    def _(self, message: str) -> str:
        return self.gettext.gettext(message)

    def cookie(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            secure=self.settings.secure_cookies,
            samesite="lax",
            path="/",
        )

    def forget(self, response: Response, name: str) -> None:
        response.delete_cookie(
            name, path="/", secure=self.settings.secure_cookies, httponly=True, samesite="lax"
        )

    def finish(self, response: Response) -> Response:
        if self.remember_lang:
            self.cookie(response, LANG_COOKIE, self.lang, YEAR)
        if self.request.cookies.get(CSRF_COOKIE) != self.csrf:
            self.cookie(response, CSRF_COOKIE, self.csrf, YEAR)
        if self.applicant_lang_change is not None:
            if self.applicant_lang:
                self.cookie(response, APPLICANT_LANG_COOKIE, self.applicant_lang, None)
            else:
                self.forget(response, APPLICANT_LANG_COOKIE)
        if self.renewed_session:
            # a session cookie (no max-age): it also ends when the browser closes
            self.cookie(response, SESSION_COOKIE, self.renewed_session, None)
        response.headers.setdefault("Cache-Control", "no-store" if self.who else "no-cache")
        return response

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "languages": [item for item in LANGUAGES if item.code in self.languages],
            "fewer_languages": len(self.languages) < len(LANGUAGES),
            "path": self.request.url.path,
            "csrf_field": CSRF_FIELD,
            "csrf_token": self.csrf,
            "fmt": self.fmt,
            "who": self.who,
            "applicant_lang": self.applicant_lang,
            "nav": entries_for(self.who) if self.who else [],
            "form_key_field": KEY_FIELD,
            "form_key": new_form_key(),
            **extra,
        }

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        html = environment(self.lang).get_template(template).render(self.context(**context))
        response = HTMLResponse(html, status_code=status_code)
        response.headers["Content-Language"] = self.lang
        return self.finish(response)

    def fragment(self, template: str, lang: str, **context: Any) -> Markup:
        """A part of the page in another language (what the applicant reads while a caseworker
        works in theirs); the caller wraps it in an element with that `lang`."""
        values = self.context(**context) | {"lang": lang, "fmt": Formatter(lang)}
        rendered = environment(lang).get_template(template).render(values)
        return Markup(rendered)  # the template autoescaped every value in it

    def redirect(self, url: str) -> Response:
        return self.finish(RedirectResponse(url, status_code=303))


async def checked_form(request: Request) -> Mapping[str, Any]:
    """The submitted form, if its CSRF token matches the cookie's (double submit)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong")
    return {key: _form_value(form.getlist(key)) for key in form}


def _form_value(values: list[Any]) -> Any:
    texts = [value for value in values if isinstance(value, str)]
    return texts[0] if len(texts) == 1 else texts
