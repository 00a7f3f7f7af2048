"""The document verifier and the allocation results in a real browser (Debian's Chromium via
Playwright), each page scanned by axe-core: the verifier rejects a tampered QR photo and accepts
the genuine one; the results list leads to a run's counts and its seed. Screenshots (phone,
390x844) go to $CORREDOR_SCREENSHOTS (see test_browser.py).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page

from corredor.allocation.use_cases import runs
from corredor.documents.credentials.render import qr_png
from tests.web.public_kit import allocation_run_made, issued_tvrh_card, tampered
from tests.web.test_browser import SCREENSHOTS, browser, serious_violations
from tests.web.test_journeys_browser import PHONE, Site, save_small_screenshot, site

__all__ = ["browser", "site"]  # the module's Chromium and server, as the journeys use them


def scanned(page: Page, name: str, found: dict[str, list[str]]) -> None:
    found[name] = serious_violations(page)
    save_small_screenshot(page, SCREENSHOTS / f"{name}.png", full_page=False)


def test_the_verifier_rejects_a_tampered_qr_and_accepts_the_genuine_one(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    portrait = Path(__file__).resolve().parents[1] / "fixtures" / "portrait.jpg"
    _, token = issued_tvrh_card(site.platform, photo=portrait.read_bytes())
    genuine, forged = tmp_path / "genuine.png", tmp_path / "forged.png"
    genuine.write_bytes(qr_png(token))
    forged.write_bytes(qr_png(tampered(token)))
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    violations: dict[str, list[str]] = {}
    try:
        page.goto(f"{site.url}/verify?lang=es")
        assert page.get_attribute("html", "lang") == "es"
        page.get_by_role("button", name="Verificar el documento").click()
        assert page.locator(".error-summary a").first.get_attribute("href") == "#code"
        scanned(page, "verify-error-es", violations)

        page.set_input_files("#image", str(forged))
        page.get_by_role("button", name="Verificar el documento").click()
        verdict = page.locator(".verdict").inner_text()
        assert "No válido" in verdict
        assert "El documento fue modificado o falsificado" in verdict
        scanned(page, "verify-tampered-es", violations)

        page.goto(f"{site.url}/verify?lang=en")
        page.set_input_files("#image", str(genuine))
        page.get_by_role("button", name="Check the document").click()
        verdict = page.locator(".verdict").inner_text()
        assert "Valid" in verdict and "Not valid" not in verdict
        assert "Humanitarian visitor card (TVRH)" in verdict
        # the holder the code discloses, for the checker to compare with the person
        assert "Compare this with the person in front of you" in verdict
        assert "Jean Baptiste" in verdict and "1988" in verdict
        photo = page.get_by_role("img", name="Photo of the holder taken by the issuing agency")
        assert photo.evaluate("image => image.complete && image.naturalWidth") == 48
        scanned(page, "verify-valid-en", violations)
    finally:
        context.close()
    assert {name: found for name, found in violations.items() if found} == {}


def test_the_allocation_results_lead_to_a_runs_counts_and_seed(
    browser: Browser, site: Site
) -> None:
    run_id = allocation_run_made(site.platform, days_ahead=500)
    published = runs.results(site.platform, run_id)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    violations: dict[str, list[str]] = {}
    try:
        page.goto(f"{site.url}/allocation/results?lang=fr")
        assert page.get_attribute("html", "lang") == "fr"
        scanned(page, "allocation-results-fr", violations)
        page.locator(f'a[href="/allocation/results/{run_id}"]').click()
        assert page.url.endswith(f"/allocation/results/{run_id}")
        lead = page.locator("p.lead").inner_text()
        assert f"{published.assigned_requests} demandes ont obtenu une place" in lead
        assert published.seed is not None
        assert published.seed in page.locator("main").inner_text()
        scanned(page, "allocation-results-run-fr", violations)
    finally:
        context.close()
    assert {name: found for name, found in violations.items() if found} == {}
