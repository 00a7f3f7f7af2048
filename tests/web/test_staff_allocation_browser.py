"""The staff pages of fair capacity in a real browser (Debian's Chromium via Playwright), each
page scanned by axe-core: an INM officer sets capacity (after one mistake), opens a window that
closes tomorrow, asks to close it early once requests are in (after one mistake: no reason), a
second officer confirms, the first runs it and reveals the seed; the run page says the re-run
matches and the public results say the window closed early, and why.
Screenshots (1280 wide) go to $CORREDOR_SCREENSHOTS (see test_browser.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Browser, Page

from corredor.allocation.schemas import RequestIn
from corredor.allocation.use_cases import requests, runs, windows
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from tests.case_kit import household_case
from tests.web.test_browser import SCREENSHOTS, browser
from tests.web.test_journeys_browser import DESK, Person, Site, save_small_screenshot, site

__all__ = ["browser", "site"]  # the module's Chromium and server, as the journeys use them
SITE = "mx-chp-frontera-corozal"
REASON = "Heavy rain closes the road to the site from tomorrow."


def fill_date(page: Page, prefix: str, day: date) -> None:
    page.fill(f"#{prefix}day", str(day.day))
    page.fill(f"#{prefix}month", str(day.month))
    page.fill(f"#{prefix}year", str(day.year))


def set_capacity(inm: Person, first: date, last: date) -> None:
    """Through the form, in Spanish: one mistake first (the last day before the first)."""
    page = inm.open("/account")
    page.get_by_role("link", name="Capacidad y ventanas").first.click()
    assert page.url.endswith("/staff/capacity")
    inm.scan("capacity-empty")
    page.select_option("#site", SITE)
    fill_date(page, "from-", first)
    fill_date(page, "until-", first - timedelta(days=1))
    page.fill("#seats", "6")
    page.fill("#quota-phase-1", "2")
    page.get_by_role("button", name="Guardar la capacidad").click()
    assert page.locator(".error-summary a").first.get_attribute("href") == "#until-day"
    assert page.input_value("#seats") == "6"  # kept
    inm.scan("capacity-error")
    fill_date(page, "until-", last)
    page.get_by_role("button", name="Guardar la capacidad").click()
    assert "Capacidad guardada" in page.locator(".notice").inner_text()
    table = page.locator("table").inner_text()
    assert "Frontera Corozal" in table
    assert inm.username in table  # who made the change in force
    inm.scan("capacity-saved", screenshot="staff-capacity-es")


def open_window(inm: Person, first: date, last: date) -> str:
    page = inm.page
    page.get_by_role("link", name="Ventanas de solicitud y asignaciones").first.click()
    page.check(f'input[name="sites"][value="{SITE}"]')
    fill_date(page, "first-", first)
    fill_date(page, "last-", last)
    fill_date(page, "closes-", date.today() + timedelta(days=1))
    page.fill("#closes-time", "18:00")
    page.get_by_role("button", name="Abrir la ventana").click()
    window_id = page.url.split("opened=")[1]
    window = windows.window(inm.site.platform, window_id)
    committed = window.seed_commitment
    assert window.site_ids == [SITE]
    assert committed in page.locator(".notice").inner_text()
    inm.scan("windows-opened", screenshot="staff-windows-es")
    return window_id


def register_requests(inm: Person, window_id: str, count: int) -> None:
    """Households of one to three people, one urgent, as the API registers them."""
    officer = Principal(inm.user_id, inm.username, Role.INM_OFFICER, Agency.INM)
    platform = inm.site.platform
    for n in range(count):
        house = household_case(platform, size=1 + n % 3)
        body = RequestIn(
            window_id=window_id,
            site_id=SITE,
            case_id=house.case_id,
            people=house.people,
            urgent=n == 4,
        )
        with platform.db.transaction() as s:
            requests.register_request(platform, officer, body).run(s)


def close_early(inm: Person, second: Person, window_id: str) -> None:
    """The window closes tomorrow: no run button; the officer asks for an early close (after
    one mistake: no reason), and a second officer confirms it."""
    page = inm.page
    panel = page.locator(f"section:has(#window-{window_id})")
    assert panel.get_by_role("button", name="Realizar la asignación").count() == 0
    panel.get_by_role("button", name="Solicitar un cierre anticipado").click()
    assert page.locator(".error-summary a").first.get_attribute("href") == (f"#reason-{window_id}")
    inm.scan("early-close-error")
    page.fill(f"#reason-{window_id}", REASON)
    page.locator(f"section:has(#window-{window_id})").get_by_role(
        "button", name="Solicitar un cierre anticipado"
    ).click()
    assert (
        "Otro agente de su institución debe confirmarlo"
        in page.locator(".notice").first.inner_text()
    )
    inm.scan("early-close-asked")

    second.open("/staff/allocation/windows?lang=es")
    theirs = second.page.locator(f"section:has(#window-{window_id})")
    assert REASON in theirs.inner_text()
    theirs.get_by_role("button", name="Confirmar el cierre anticipado").click()
    assert (
        "La asignación puede realizarse ahora" in second.page.locator(".notice").first.inner_text()
    )
    second.scan("early-close-confirmed")


def test_an_officer_sets_capacity_opens_runs_and_reveals_a_window(
    browser: Browser, site: Site
) -> None:
    inm = Person(browser, site, Role.INM_OFFICER, "es", DESK)
    second = Person(browser, site, Role.INM_OFFICER, "es", DESK)
    first = date.today() + timedelta(days=3)
    last = first + timedelta(days=1)
    try:
        set_capacity(inm, first, last)
        window_id = open_window(inm, first, last)
        register_requests(inm, window_id, 12)

        page = inm.page
        page.reload()
        close_early(inm, second, window_id)
        page.reload()
        panel = page.locator(f"section:has(#window-{window_id})")
        panel.get_by_role("button", name="Realizar la asignación").click()
        assert "/staff/allocation/runs/" in page.url
        run_id = page.url.split("/")[-1].split("?")[0]
        assert "La semilla aún no se ha revelado" in page.content()
        results = runs.results(site.platform, run_id)
        assert 0 < results.assigned_requests < 12  # 12 seats for 24 people: some wait
        assert "Necesidad médica o de protección urgente" in page.locator("table").inner_text()
        inm.scan("run-before-reveal")

        page = inm.open(f"/staff/allocation/runs/{run_id}?lang=en")
        page.get_by_role("button", name="Reveal the seed").click()
        assert page.url.endswith("?done=revealed")
        shown = page.locator("main").inner_text()
        assert "The re-run matches:" in shown
        seed = runs.results(site.platform, run_id).seed
        assert seed is not None
        assert seed in shown
        assert f"corredor allocate --verify {run_id}" in page.locator("pre").inner_text()
        inm.scan("run-revealed")
        save_small_screenshot(page, SCREENSHOTS / "staff-run-en.png", full_page=True)

        page.get_by_role("link", name="The public results page of this run").click()
        assert page.url.endswith(f"/allocation/results/{run_id}")
        early = page.locator("section:has(#early-close)").inner_text()
        assert "This window closed early" in early and REASON in early
        assert inm.username in early and second.username in early
        inm.scan("public-results")
    finally:
        inm.close()
        second.close()
    assert inm.serious() == {}
    assert second.serious() == {}
