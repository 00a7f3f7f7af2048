"""Names of the countries and Mexican states the pages offer, in each page language.

Country names come from CLDR (via Babel) where CLDR really has them in that language, and from
the project's own catalog where it does not: CLDR has no Kreyòl names (its `ht` locale only
inherits French, and Babel 2.19 dropped even that), so `place_names/countries-ht.yaml` is Kreyòl's
source whatever Babel is installed. Mexican state names are the project's (`regions-mx.yaml`):
CLDR has no subdivision names. The list of countries offered is ISO 3166-1 (the assigned codes
in `corredor.screening.domain.facts`), not whatever territories a CLDR release happens to carry.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources
from typing import Final

import yaml
from babel import Locale

from corredor.kernel.domain.countries import ISO_COUNTRIES

PLACES: Final = resources.files("corredor.web") / "place_names"
# Languages whose country names the project owns, first; CLDR fills in only what they lack.
OWN_COUNTRY_CATALOGS: Final = {"ht": "countries-ht.yaml"}


def _read(name: str) -> str:
    return (PLACES / name).read_text(encoding="utf-8")


@cache
def country_codes() -> tuple[str, ...]:
    """The 249 assigned ISO 3166-1 alpha-2 codes (the same list that validates the facts)."""
    return tuple(sorted(ISO_COUNTRIES))


@cache
def _own_country_names(language: str) -> dict[str, str]:
    catalog = OWN_COUNTRY_CATALOGS.get(language)
    if catalog is None:
        return {}
    sections: dict[str, dict[str, str]] = yaml.safe_load(_read(catalog))
    names: dict[str, str] = {}
    for section in sections.values():  # `kreyol`, then the names still taken from French
        for code, name in section.items():
            names.setdefault(code, str(name))
    return names


def _cldr_country_names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {code: str(territories[code]) for code in country_codes() if territories.get(code)}


def sort_key(name: str) -> str:
    """Alphabetical order as a reader of these Latin-script languages expects it: accents and
    case do not count first ('Égypte' among the E's, not after 'Zambie')."""
    stripped = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in stripped if not unicodedata.combining(c)) + "\0" + name


@cache
def country_names(language: str) -> dict[str, str]:
    """Every ISO 3166-1 country with its name in the language, sorted for that language."""
    names = {**_cldr_country_names(language), **_own_country_names(language)}
    offered = {code: names.get(code, "") for code in country_codes()}
    return dict(sorted(offered.items(), key=lambda item: sort_key(item[1])))


@cache
def region_names(language: str) -> dict[str, str]:
    """Mexico's 32 federal entities (ISO 3166-2:MX) named in the language, sorted for it."""
    entries: dict[str, dict[str, str]] = yaml.safe_load(_read("regions-mx.yaml"))
    named = {code: str(names.get(language, "")) for code, names in entries.items()}
    return dict(sorted(named.items(), key=lambda item: sort_key(item[1])))
