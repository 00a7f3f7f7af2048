"""The applicant's documents page in a real browser (Debian's Chromium via Playwright), scanned by
axe-core: an applicant signs in, follows the menu to their documents, and the QR code the
browser draws from the inline SVG scans back to the signed document. Screenshots (phone size)
go to $CORREDOR_SCREENSHOTS (see test_browser.py).
"""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser

from corredor.documents.use_cases import verify_presented
from corredor.kernel.domain.permissions import Role
from tests.web.public_kit import officer, tvrh_issued
from tests.web.test_browser import browser
from tests.web.test_journeys_browser import PHONE, Person, Site, site

__all__ = ["browser", "site"]  # the module's Chromium and server, as the journeys use them
MENU = {"ht": "Dokiman ou yo", "es": "Sus documentos"}
EMPTY = {"ht": "Ou poko gen dokiman.", "es": "Todavía no tiene documentos."}


def issue_tvrh(site: Site, applicant_user_id: str) -> str:
    """INM registers a mother and her young child for the applicant and issues the TVRH."""
    return tvrh_issued(
        site.platform,
        officer(site.platform),
        parent="Nadège Pierre",
        child="Jonas Pierre",
        border_point="mx-chp-ciudad-hidalgo",
        applicant_user_id=applicant_user_id,
    )


@pytest.mark.parametrize("lang", ["ht", "es"])
def test_the_applicant_opens_their_documents_and_the_qr_code_scans(
    browser: Browser, site: Site, lang: str
) -> None:
    person = Person(browser, site, Role.APPLICANT, lang, PHONE)
    try:
        page = person.open("/documents")
        assert page.locator("main p.lead").inner_text() == EMPTY[lang]  # before any document
        assert page.locator("main svg").count() == 0
        person.scan("empty")

        issue_tvrh(site, person.user_id)
        page = person.open("/account")
        page.locator(".account-bar nav").get_by_role("link", name=MENU[lang]).click()
        page.wait_for_url("**/documents")
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("main h2").count() == 3  # what the QR is for, and two cards
        codes = page.locator("main svg[role=img]")
        assert codes.count() == 2
        assert "Nadège Pierre" in page.locator("main").inner_text()
        person.scan("documents", screenshot=f"applicant-documents-{lang}")

        # the code as the browser draws it scans back to a genuine, valid document
        shot = Image.open(io.BytesIO(codes.first.screenshot()))
        found = zxingcpp.read_barcodes(shot)
        assert len(found) == 1
        verdict = verify_presented(site.platform, str(found[0].text))
        assert verdict.valid
        assert verdict.credential is not None
        assert verdict.credential.holder_name == "Nadège Pierre"

        # the printable card downloads as a PDF
        with page.expect_download() as download:
            page.locator("main a[href$='/card.pdf']").first.click()
        path = download.value.path()
        assert path.read_bytes().startswith(b"%PDF-")
        assert download.value.suggested_filename.endswith("-1.pdf")
        assert person.serious() == {}
    finally:
        person.close()
