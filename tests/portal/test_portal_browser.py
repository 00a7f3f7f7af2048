"""The portal and the shelter staff's form in a real browser (Debian's Chromium via Playwright),
at phone size, scanned by axe-core: a member of the public reads the charts and their tables in
Haitian Creole; shelter staff record the day's occupancy in Spanish and see it in the list.
Screenshots go to $CORREDOR_SCREENSHOTS (see tests/web/test_browser.py)."""

from __future__ import annotations

from playwright.sync_api import Browser

from corredor.kernel.domain.permissions import Role
from corredor.shelters import use_cases as shelters
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS, illustrative_history
from tests.portal.conftest import (
    FIRST,
    REQUESTS,
    SEATS,
    TODAY,
    WINDOW_DAY,
    count_screenings,
    draw_a_window,
    tally_steps,
)
from tests.web.test_browser import SCREENSHOTS, browser, serious_violations
from tests.web.test_journeys_browser import PHONE, Person, Site, save_small_screenshot, site

__all__ = ["browser", "site"]  # the module's Chromium and server, as the journeys use them


def with_history(site: Site) -> None:
    site.platform.today = lambda: TODAY
    if shelters.seed_registry(site.platform):
        shelters.import_history(
            site.platform, illustrative_history(ILLUSTRATIVE_SHELTERS, FIRST, TODAY)
        )
        # every chart of the portal has figures: a drawn window, tallies, screenings
        draw_a_window(site.platform, WINDOW_DAY, SEATS, REQUESTS)
        tally_steps(site.platform)
        count_screenings(site.platform)


def test_the_portal_reads_on_a_phone_in_kreyol(browser: Browser, site: Site) -> None:
    with_history(site)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="ht")
    page = context.new_page()
    try:
        page.goto(f"{site.url}/data?lang=ht")
        assert page.get_attribute("html", "lang") == "ht"
        assert page.locator("main svg[role=img]").count() == 11
        first = page.locator("main section").first
        assert first.locator("h2").inner_text() == "Moun k ap tann nan abri, pa zòn"
        assert "Fwontyè nò" in first.locator("table").inner_text()
        assert "mwens pase 10" in first.locator("table").inner_text()
        screener = page.locator("main section#screener-use-by-language, main section").filter(
            has_text="Kesyonè moun fini, pa lang ak rezilta"
        )
        assert "Kreyòl ayisyen" in screener.locator("table").inner_text()
        assert page.evaluate("document.scripts.length") == 0
        assert serious_violations(page) == []
        save_small_screenshot(page, SCREENSHOTS / "portal-data-ht.png", full_page=True)
    finally:
        context.close()


def test_shelter_staff_record_the_day_on_a_phone(browser: Browser, site: Site) -> None:
    with_history(site)
    staff = Person(browser, site, Role.SHELTER_STAFF, "es", PHONE)
    shelters.assign_staff(site.platform, "tapachula-familias", staff.username)
    try:
        page = staff.open("/staff/shelters")
        assert page.url.endswith("/staff/shelters/tapachula-familias/occupancy")
        page.fill("#present", "30")
        page.fill("#female_0_17", "8")
        page.fill("#male_0_17", "7")
        page.fill("#female_18_59", "9")
        page.locator("main button[type=submit]").click()
        assert page.locator(".error-summary a").first.get_attribute("href") == "#female_0_17"
        staff.scan("occupancy-error", screenshot="shelter-occupancy-error-es")
        page.fill("#male_18_59", "6")
        page.locator("main button[type=submit]").click()
        assert "Guardado." in page.locator("main .notice").inner_text()
        assert "30" in page.locator("main table tbody tr").first.inner_text()
        staff.scan("occupancy-saved", screenshot="shelter-occupancy-es")
        assert staff.serious() == {}
    finally:
        staff.close()
    listed = {s.id: s for s in shelters.list_shelters(site.platform)}
    assert listed["tapachula-familias"].free_places == 50  # 80 beds, 30 people
