"""Languages of the public pages: which one a request gets, its catalog, and locale formatting.

Catalogs are Babel `.po` files under `locales/<lang>/LC_MESSAGES/<domain>.po`. They are compiled
in memory when first used, so a clean clone needs no build step and no binary `.mo` is committed.
Two domains: `messages` (everything a member of the public or an applicant can see; complete in
all five languages) and `staff` (pages only officers and caseworkers see; Spanish and English at
least). A page gets both, merged; a staff message missing in a language shows its English msgid.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR: Final = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE: Final = "es"
# Times on the pages are Mexico City time, where the corridor's people and desks mostly are.
DISPLAY_ZONE: Final = ZoneInfo("America/Mexico_City")
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


PUBLIC_DOMAIN: Final = "messages"
STAFF_DOMAIN: Final = "staff"
STAFF_LANGUAGES: Final = ("es", "en")  # the staff catalog must be complete in these


def catalog_path(code: str, domain: str = PUBLIC_DOMAIN) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{domain}.po"


def _compiled(code: str, domain: str) -> Translations:
    """One domain's catalog, compiled (fuzzy entries are left out, as msgfmt does)."""
    with catalog_path(code, domain).open("rb") as source:
        catalog = read_po(source, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


@cache
def translations(code: str) -> Translations:
    """Every message of one language: the public catalog, with the staff catalog merged in."""
    merged = _compiled(code, PUBLIC_DOMAIN)
    if catalog_path(code, STAFF_DOMAIN).exists():
        merged.merge(_compiled(code, STAFF_DOMAIN))
    return merged


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

    def datetime(self, moment: datetime) -> str:
        """Date and time to the minute, in Mexico City time (marked CDMX)."""
        local = moment.astimezone(DISPLAY_ZONE)
        day = format_date(local, format="medium", locale=self.locale)
        return f"{day} {format_time(local, format='short', locale=self.locale)} (CDMX)"

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def country(self, code: str) -> str:
        return str(self.locale.territories.get(code, code))


@cache
def country_names(code: str) -> dict[str, str]:
    """Every ISO 3166-1 country with its name in the language (CLDR, via Babel)."""
    territories = Formatter(code).locale.territories
    return {
        key: str(name)
        for key, name in territories.items()
        if len(key) == 2 and key.isalpha() and key not in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}
    }
