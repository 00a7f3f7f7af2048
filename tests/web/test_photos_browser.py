"""The INM desk's holder photos in a real browser (Debian's Chromium via Playwright), scanned by
axe-core: an officer opens a case, follows the link to the photos, uploads the portrait through
the file input (a phone would open its camera: `capture="user"`), is told to tick the consent
first, ticks it, and sees the photo back, served by a page route that never lets it be cached.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from corredor.identity.domain.portrait import PRINTED_SIZE
from corredor.kernel.domain.permissions import Role
from tests.case_kit import household_case
from tests.web.test_browser import browser
from tests.web.test_journeys_browser import DESK, PHONE, Person, Site, site

__all__ = ["browser", "site"]  # the module's Chromium and server
PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "portrait.jpg"
LINK = {"es": "Fotos de los titulares para las tarjetas", "en": "Holder photos for the cards"}
KEEP = {"es": "Guardar la foto", "en": "Keep the photo"}
REPLACE = {"es": "Reemplazar la foto", "en": "Replace the photo"}
CONSENT_ERROR = {"es": "Marque la casilla", "en": "Tick the box"}


def test_the_officer_uploads_a_photo_with_consent_and_sees_it(browser: Browser, site: Site) -> None:
    for lang, viewport in (("es", DESK), ("en", PHONE)):
        house = household_case(site.platform, size=2)
        officer = Person(browser, site, Role.INM_OFFICER, lang, viewport)
        try:
            page = officer.open(f"/cases/{house.case_id}")
            page.get_by_role("link", name=LINK[lang]).click()
            page.wait_for_url(f"**/cases/{house.case_id}/photos")
            assert page.get_attribute("html", "lang") == lang
            first = page.locator("section").first
            file_input = first.locator("input[type=file]")
            assert file_input.get_attribute("accept") == "image/*"
            assert file_input.get_attribute("capture") == "user"
            assert first.locator("img").count() == 0
            officer.scan(f"photos-empty-{lang}")

            # without consent: nothing is kept, and the page says why, at the field
            file_input.set_input_files(str(PORTRAIT))
            first.get_by_role("button", name=KEEP[lang]).click()
            page.wait_for_load_state()
            assert CONSENT_ERROR[lang] in page.locator("main").inner_text()
            officer.scan(f"photos-consent-error-{lang}")

            first = page.locator("section").first
            first.locator("input[type=file]").set_input_files(str(PORTRAIT))
            first.locator("input[type=checkbox]").check()
            first.get_by_role("button", name=KEEP[lang]).click()
            page.wait_for_url(f"**/cases/{house.case_id}/photos?done=0*")
            image = page.locator("section").first.locator("img")
            image.wait_for()
            page.wait_for_function("document.querySelector('main section img').complete")
            natural = image.evaluate("i => [i.naturalWidth, i.naturalHeight]")
            assert tuple(natural) == PRINTED_SIZE
            assert "Ana Kit" in (image.get_attribute("alt") or "")
            assert page.locator("section").first.get_by_role("button", name=REPLACE[lang]).count()
            # the second person has none yet
            assert page.locator("section").nth(1).locator("img").count() == 0
            officer.scan(f"photos-kept-{lang}", screenshot=f"desk-holder-photos-{lang}")

            # the photo's own address is never cached
            served = page.request.get(f"{site.url}/cases/{house.case_id}/persons/0/photo")
            assert served.status == 200
            assert served.headers["content-type"] == "image/jpeg"
            assert served.headers["cache-control"] == "no-store"
            assert officer.serious() == {}
        finally:
            officer.close()


def test_an_applicant_sees_their_own_photo_only_and_cannot_open_the_desk(
    browser: Browser, site: Site
) -> None:
    applicant = Person(browser, site, Role.APPLICANT, "es", PHONE)
    try:
        mine = household_case(site.platform, applicant_user_id=applicant.user_id)
        other = household_case(site.platform)
        for case in (mine, other):
            officer = Person(browser, site, Role.INM_OFFICER, "es", DESK)
            try:
                page = officer.open(f"/cases/{case.case_id}/photos")
                first = page.locator("section").first
                first.locator("input[type=file]").set_input_files(str(PORTRAIT))
                first.locator("input[type=checkbox]").check()
                first.get_by_role("button", name=KEEP["es"]).click()
                page.wait_for_url("**/photos?done=0*")
            finally:
                officer.close()
        request = applicant.page.request
        own = request.get(f"{site.url}/cases/{mine.case_id}/persons/0/photo")
        assert own.status == 200 and own.headers["content-type"] == "image/jpeg"
        assert request.get(f"{site.url}/cases/{other.case_id}/persons/0/photo").status == 404
        page = applicant.open(f"/cases/{mine.case_id}/photos")
        assert page.locator("main h1").inner_text() == "No puede ver esta página"
        applicant.scan("photos-refused")
        assert applicant.serious() == {}
    finally:
        applicant.close()
