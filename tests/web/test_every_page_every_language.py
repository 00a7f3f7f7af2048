"""Every page, as the people who open it, in every language: a page is rendered only in a language
its catalogs are complete in. Public and applicant pages in all five; staff pages in Spanish and
English, saying so, and never half-translated under `?lang=ht`."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.kernel.domain.permissions import Role
from corredor.platform import Platform
from corredor.shelters import use_cases as shelters
from corredor.web.i18n import (
    LANGUAGE_CODES,
    STAFF_LANGUAGES,
    forget_untranslated,
    translations,
    untranslated,
)
from tests.web.public_kit import allocation_run_made
from tests.web.signed_in import Visitor
from tests.web.test_pages import to_tvrh_with_consent

HTML_LANG = re.compile(r'<html lang="([a-z]+)">')
STAFF_NOTE = "languages-note"


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


def visitor(platform: Platform, role: Role) -> Visitor:
    client = TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    )
    return Visitor(client).sign_in(platform, role)


def pages_by_visitor(platform: Platform) -> list[tuple[Visitor, list[str]]]:
    """Who opens which pages, with real ids: a case with its TVRH, consent and disclosure, and
    an allocation run."""
    case, inm, marie = to_tvrh_with_consent(platform, ["name", "birth_date", "household", "tvrh"])
    run = allocation_run_made(platform, days_ahead=30)
    public = Visitor(TestClient(create_app(platform=platform), base_url="https://testserver"))
    shelters.seed_registry(platform)
    shelter_staff = visitor(platform, Role.SHELTER_STAFF)
    shelters.assign_staff(platform, "tapachula-centro", shelter_staff.username)
    admin = visitor(platform, Role.ADMIN)
    return [
        (
            public,
            [
                "/",
                "/screener/q/nationality",
                "/screener/check",
                "/sign-in",
                "/verify",
                "/allocation/results",
                "/policies",
                "/policies/us-chnv-parole",
                "/data",
                "/data?period=week",
            ],
        ),
        (
            marie,
            [
                "/account",
                f"/cases/{case}",
                f"/cases/{case}/access",
                f"/cases/{case}/consents",
                f"/cases/{case}/parole",
                "/documents",
                "/appointments",
            ],
        ),
        (
            inm,
            [
                "/account",
                "/cases",
                f"/cases/{case}",
                "/desk/register",
                f"/desk/cases/{case}/disclosure",
                "/staff/policies",
                "/staff/capacity",
                "/staff/allocation/windows",
                f"/staff/allocation/runs/{run}",
            ],
        ),
        (visitor(platform, Role.CBP_OFFICER), ["/cbp", "/cases"]),
        (visitor(platform, Role.CASEWORKER), ["/assist", "/cases"]),
        (shelter_staff, ["/staff/shelters/tapachula-centro/occupancy"]),
        # the homes of the roles that check, audit and administer
        (visitor(platform, Role.AIRLINE_AGENT), ["/staff/check/travel"]),
        (visitor(platform, Role.EMPLOYER), ["/staff/check/work"]),
        (visitor(platform, Role.AUDITOR), ["/staff/audit", "/staff/audit?action=case"]),
        (admin, ["/staff/accounts", f"/staff/accounts/{admin.user_id}"]),
    ]


def test_every_page_renders_only_in_a_language_it_is_complete_in(platform: Platform) -> None:
    rendered: dict[str, set[str]] = {}
    for person, paths in pages_by_visitor(platform):
        for path in paths:
            for asked in LANGUAGE_CODES:
                forget_untranslated()
                answer = person.client.get(path, params={"lang": asked})
                assert answer.status_code == 200, (person.username, path, asked)
                found = HTML_LANG.search(answer.text)
                assert found, path
                shown = found.group(1)
                missing = untranslated(shown)
                assert missing == set(), f"{path} in {shown}: untranslated {sorted(missing)}"
                if shown != asked:  # only a staff page may decline a language, and it says so
                    assert asked not in STAFF_LANGUAGES, (path, asked)
                    assert shown in STAFF_LANGUAGES, (path, shown)
                    assert STAFF_NOTE in answer.text, path
                rendered.setdefault(path.split("?")[0], set()).add(shown)
    assert rendered["/"] == set(LANGUAGE_CODES)
    assert rendered["/desk/register"] == set(STAFF_LANGUAGES)
    assert len(rendered) >= 20


def test_a_staff_page_asked_in_kreyol_is_spanish_and_offers_only_spanish_and_english(
    platform: Platform,
) -> None:
    inm = visitor(platform, Role.INM_OFFICER)
    page = inm.client.get("/desk/register", params={"lang": "ht"}).text
    assert '<html lang="es">' in page
    assert 'hreflang="en"' in page
    assert 'hreflang="ht"' not in page
    assert "Las páginas del personal están en español e inglés." in page
    # the same person's public pages keep the language they chose
    assert '<html lang="ht">' in inm.client.get("/", params={"lang": "ht"}).text


def test_a_message_missing_from_a_catalog_is_noticed() -> None:
    # the detector itself can fail: a msgid no catalog has is recorded for its language
    forget_untranslated()
    assert translations("ht").gettext("A sentence no catalog has") == "A sentence no catalog has"
    assert untranslated("ht") == {"A sentence no catalog has"}
    assert untranslated("en") == set()
    forget_untranslated()
