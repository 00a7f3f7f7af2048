"""Languages of the public pages: which one a request gets, its catalog, and locale formatting.

Catalogs are Babel `.po` files under `locales/<lang>/LC_MESSAGES/<domain>.po`. They are compiled
in memory when first used, so a clean clone needs no build step and no binary `.mo` is committed.
Two domains: `messages` (everything a member of the public or an applicant can see; complete in
all five languages) and `staff` (pages only officers and caseworkers see; Spanish and English at
least). A page gets both, merged; a staff message missing in a language shows its English msgid.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from corredor.web.places import country_names, region_names

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


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def pick(labels: Mapping[str, str] | None, lang: str) -> str | None:
    """The text in the language, else English (policy files are checked to carry all five)."""
    if not labels:
        return None
    return labels.get(lang) or labels.get("en")


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


class MissingMessages(NullTranslations):
    """The last resort of every catalog: shows the English msgid, and notes which message was
    missing in which language, so a test can render every page and find any untranslated one."""

    LIMIT: Final = 10_000  # msgids come from the code, a finite set; this only bounds a bug

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.seen: set[str] = set()

    def gettext(self, message: str) -> str:
        if len(self.seen) < self.LIMIT:
            self.seen.add(message)
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


@cache
def translations(code: str) -> Translations:
    """Every message of one language: the public catalog, with the staff catalog merged in."""
    merged = _compiled(code, PUBLIC_DOMAIN)
    if catalog_path(code, STAFF_DOMAIN).exists():
        merged.merge(_compiled(code, STAFF_DOMAIN))
    merged.add_fallback(_missing(code))
    return merged


@cache
def _missing(code: str) -> MissingMessages:
    """The one record of missing messages per language, the last fallback of its catalogs."""
    return MissingMessages(code)


def untranslated(code: str) -> set[str]:
    """Messages a page asked for in this language that its catalogs do not have (English, the
    language of the msgids, has none by definition)."""
    return set() if code == "en" else set(_missing(code).seen)


def forget_untranslated() -> None:
    for code in LANGUAGE_CODES:
        _missing(code).seen.clear()


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


def choose_language(
    query: str | None,
    cookie: str | None,
    accept_language: str | None,
    among: tuple[str, ...] = LANGUAGE_CODES,
) -> str:
    """`?lang=` first, then the remembered choice, then the browser's wish, then Spanish; only
    languages `among` those the page is offered in (staff pages: Spanish and English)."""
    for explicit in (query, cookie):
        if explicit in among:
            return explicit
    if accept_language:
        preferred = parse_accept_language(accept_language)
        # match "pt-BR" to "pt": Babel compares the primary subtag when asked with aliases off
        primary = [tag.replace("_", "-").split("-")[0].lower() for tag in preferred]
        found = negotiate_locale(primary, list(among), sep="-")
        if found:
            return found
    return DEFAULT_LANGUAGE


# Dates are written from patterns the project owns, not from the installed CLDR: a Babel
# release without Kreyòl data once turned "1 mas 2026" into "2026 M03 1". Month names and
# patterns below are each language's own convention (CLDR's, where CLDR has the language).
MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "ht": ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out",
           "septanm", "oktòb", "novanm", "desanm"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
}  # fmt: skip
LONG_DATE: Final[dict[str, str]] = {
    "es": "{day} de {month} de {year}",
    "en": "{month} {day}, {year}",
    "ht": "{day} {month} {year}",
    "fr": "{day} {month} {year}",
    "pt": "{day} de {month} de {year}",
}
# Numbers: Kreyòl writes them as French does (space between thousands, decimal comma).
NUMBER_LOCALE: Final[dict[str, str]] = {"ht": "fr"}


@dataclass(frozen=True)
class Formatter:
    """Dates, numbers and country names in one language."""

    code: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(NUMBER_LOCALE.get(self.code, self.code))

    def date(self, day: date) -> str:
        month = MONTHS[self.code][day.month - 1]
        return LONG_DATE[self.code].format(day=day.day, month=month, year=day.year)

    def time(self, moment: datetime) -> str:
        if self.code == "en":
            hour = moment.hour % 12 or 12
            return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
        return f"{moment.hour:02d}:{moment.minute:02d}"

    def datetime(self, moment: datetime) -> str:
        """Date and time to the minute, in Mexico City time (marked CDMX)."""
        local = moment.astimezone(DISPLAY_ZONE)
        return f"{self.date(local.date())} {self.time(local)} (CDMX)"

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def country(self, code: str) -> str:
        return country_names(self.code).get(code) or code

    def region(self, code: str) -> str:
        return region_names(self.code).get(code) or code

    def place(self, code: str) -> str:
        """A country (ISO 3166-1) or a Mexican state (ISO 3166-2:MX), named in the language."""
        return self.region(code) if "-" in code else self.country(code)
