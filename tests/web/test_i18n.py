"""The catalogs are complete, and each request gets the language it asked for."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from corredor.catalogs import extract, extract_staff
from corredor.screening.domain.facts import FACTS
from corredor.web.i18n import (
    LANGUAGE_CODES,
    LANGUAGES,
    STAFF_DOMAIN,
    STAFF_LANGUAGES,
    Formatter,
    catalog_path,
    choose_language,
    parse_accept_language,
)
from corredor.web.places import country_names, region_names, sort_key

PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_public_string_is_translated(code: str) -> None:
    with catalog_path(code).open("rb") as source:
        catalog = read_po(source, locale=code)
    needed = {message.id for message in extract() if message.id}
    untranslated = sorted(
        message_id
        for message_id in needed
        if message_id not in catalog or not catalog[message_id].string or catalog[message_id].fuzzy
    )
    assert untranslated == [], f"{code}: untranslated {untranslated}"


@pytest.mark.parametrize("code", STAFF_LANGUAGES)
def test_every_staff_string_is_translated_in_spanish_and_english(code: str) -> None:
    """Pages only officers and caseworkers see (templates/staff/, web/staff/): es and en."""
    with catalog_path(code, STAFF_DOMAIN).open("rb") as source:
        catalog = read_po(source, locale=code)
    needed = {message.id for message in extract_staff() if message.id}
    assert len(needed) > 50
    untranslated = sorted(
        message_id
        for message_id in needed
        if message_id not in catalog or not catalog[message_id].string or catalog[message_id].fuzzy
    )
    assert untranslated == [], f"{code}: untranslated staff messages {untranslated}"


def test_a_message_lives_in_one_domain_only() -> None:
    public = {message.id for message in extract() if message.id}
    staff = {message.id for message in extract_staff() if message.id}
    assert public & staff == set()
    # the applicant's pages are public: their strings must be complete in all five languages
    assert "Who has seen your data" in public
    assert "Apply for parole to the United States" in public
    assert "Run vetting" in staff


@pytest.mark.parametrize(
    ("code", "domain"),
    [(code, "messages") for code in LANGUAGE_CODES]
    + [(code, STAFF_DOMAIN) for code in STAFF_LANGUAGES],
)
def test_translations_keep_their_placeholders(code: str, domain: str) -> None:
    with catalog_path(code, domain).open("rb") as source:
        catalog = read_po(source, locale=code)
    for message in catalog:
        if message.id:
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
                PLACEHOLDER.findall(message.id)
            ), (code, message.id)


def test_every_fact_question_is_a_message() -> None:
    ids = {message.id for message in extract()}
    assert {spec.question for spec in FACTS.values()} <= ids


def test_languages_are_named_in_their_own_script() -> None:
    assert [(language.code, language.name) for language in LANGUAGES] == [
        ("es", "Español"),
        ("en", "English"),
        ("ht", "Kreyòl ayisyen"),
        ("fr", "Français"),
        ("pt", "Português"),
    ]


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("ht", "fr", "en", "ht"),  # the query wins
        (None, "fr", "en", "fr"),  # then the remembered choice
        (None, None, "pt-BR,pt;q=0.9,en;q=0.8", "pt"),  # then the browser
        (None, None, "de-DE, en;q=0.5", "en"),  # the first language we have
        (None, None, "de-DE", "es"),  # else Spanish
        (None, None, None, "es"),
        ("xx", "yy", "en;q=0", "es"),  # unknown codes and q=0 are ignored
    ],
)
def test_language_negotiation(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(query, cookie, header) == expected


def test_accept_language_is_ordered_by_quality() -> None:
    assert parse_accept_language("fr;q=0.5, ht, en;q=0.8") == ["ht", "en", "fr"]


@given(st.text(max_size=60))
def test_any_accept_language_header_gives_a_language_we_have(header: str) -> None:
    assert choose_language(None, None, header) in LANGUAGE_CODES


def test_dates_and_numbers_follow_the_locale() -> None:
    day = date(2026, 1, 15)
    assert Formatter("es").date(day) == "15 de enero de 2026"
    assert Formatter("en").date(day) == "January 15, 2026"
    assert Formatter("pt").date(day) == "15 de janeiro de 2026"
    assert Formatter("en").number(1450.5) == "1,450.5"
    assert Formatter("fr").number(1450.5).replace("\u202f", " ") == "1 450,5"
    assert Formatter("es").country("HT") == "Haití"
    assert Formatter("pt").country("MX") == "México"


def test_query_language_is_remembered_in_a_secure_cookie(client: TestClient) -> None:
    response = client.get("/?lang=fr")
    assert '<html lang="fr">' in response.text
    assert response.headers["content-language"] == "fr"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "corredor_lang" in c)
    assert "corredor_lang=fr" in cookie
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=lax" in cookie
    again = client.get("/")  # no query: the cookie decides
    assert '<html lang="fr">' in again.text


def test_accept_language_without_query_or_cookie(client: TestClient) -> None:
    response = client.get("/", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
    assert '<html lang="pt">' in response.text
    assert "Encontre um caminho seguro e legal" in response.text


def test_spanish_by_default_and_selector_in_every_language(client: TestClient) -> None:
    html = client.get("/").text
    assert '<html lang="es">' in html
    for language in LANGUAGES:
        assert f'lang="{language.code}"' in html
        assert language.name in html


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_offered_country_and_state_has_a_name_in_every_language(code: str) -> None:
    countries = country_names(code)
    assert len(countries) == 249  # ISO 3166-1, not whatever CLDR release is installed
    assert [c for c, name in countries.items() if not name.strip()] == []
    states = region_names(code)
    assert len(states) == 32
    assert [c for c, name in states.items() if not name.strip()] == []


def test_kreyol_names_come_from_the_projects_own_catalog() -> None:
    names = country_names("ht")
    assert names["HT"] == "Ayiti"
    assert names["US"] == "Etazini"
    assert names["DO"] == "Repiblik Dominikèn"
    assert names["NO"] == "Norvège"  # a code YAML would read as "false" stays a country
    assert region_names("ht")["MX-CMX"] == "Vil Meksik"


def test_names_are_sorted_for_the_reader_not_by_code_point() -> None:
    french = list(country_names("fr").values())
    # 'Égypte' sits among the E's, not after 'Zimbabwe' as code-point order would put it
    assert french.index("Égypte") < french.index("Espagne") < french.index("Zimbabwe")
    spanish = list(region_names("es").values())
    assert spanish == sorted(spanish, key=sort_key)
    assert spanish.index("Michoacán") < spanish.index("Morelos")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("es", "1 de marzo de 2026"),
        ("en", "March 1, 2026"),
        ("ht", "1 mas 2026"),
        ("fr", "1 mars 2026"),
        ("pt", "1 de março de 2026"),
    ],
)
def test_dates_follow_each_languages_own_convention(code: str, expected: str) -> None:
    assert Formatter(code).date(date(2026, 3, 1)) == expected


def test_times_are_mexico_city_time_in_each_languages_clock() -> None:
    moment = datetime(2026, 12, 1, 20, 5, tzinfo=UTC)  # 14:05 in Mexico City
    assert Formatter("ht").datetime(moment) == "1 desanm 2026 14:05 (CDMX)"
    assert Formatter("en").datetime(moment) == "December 1, 2026 2:05 PM (CDMX)"
    assert Formatter("ht").number(1450.5).replace("\u202f", " ") == "1 450,5"
