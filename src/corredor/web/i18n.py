"""Languages of the public pages: which one a request gets, its catalog, and locale formatting.

Catalogs are Babel `.po` files under `locales/<lang>/LC_MESSAGES/messages.po`. They are compiled
in memory when first used, so a clean clone needs no build step and no binary `.mo` is committed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR: Final = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE: Final = "es"
LANG_COOKIE: Final = "corredor_lang"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # the language's name in its own script, as the selector shows it


LANGUAGES: Final[tuple[Language, ...]] = (
    Language("es", "Español"),
    Language("en", "English"),
    Language("ht", "Kreyòl ayisyen"),
    Language("fr", "Français"),
    Language("pt", "Português"),
)
LANGUAGE_CODES: Final = tuple(language.code for language in LANGUAGES)


def catalog_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"


@cache
def translations(code: str) -> Translations:
    """The compiled catalog of one language (fuzzy entries are left out, as msgfmt does)."""
    with catalog_path(code).open("rb") as source:
        catalog = read_po(source, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def parse_accept_language(header: str) -> list[str]:
    """Language tags from an Accept-Language header, most preferred first (q=0 dropped)."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """`?lang=` first, then the remembered choice, then the browser's wish, then Spanish."""
    for explicit in (query, cookie):
        if explicit in LANGUAGE_CODES:
            return explicit
    if accept_language:
        preferred = parse_accept_language(accept_language)
        # match "pt-BR" to "pt": Babel compares the primary subtag when asked with aliases off
        primary = [tag.replace("_", "-").split("-")[0].lower() for tag in preferred]
        found = negotiate_locale(primary, list(LANGUAGE_CODES), sep="-")
        if found:
            return found
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Formatter:
    """Dates, numbers and country names in one language, from CLDR via Babel."""

    code: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code)

    def date(self, day: date) -> str:
        return format_date(day, format="long", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def country(self, code: str) -> str:
        return str(self.locale.territories.get(code, code))
