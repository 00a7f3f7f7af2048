"""The applicant's appointment pages in a real browser (Debian's Chromium via Playwright), with
JavaScript switched off: the request, its status before and after the draw, moving, confirming
and cancelling the appointment. Every page the applicant sees is scanned by axe-core (its exact
HTML, in a second page that may run axe's script) and must have no serious or critical finding.

The server is the whole app on uvicorn over a migrated SQLite database (the `site` fixture of
test_journeys_browser); the same pages run on PostgreSQL in test_appointment_pages.py.
Screenshots go to $CORREDOR_SCREENSHOTS (docs/screenshots/ when refreshing the docs).
"""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page

from corredor.allocation.use_cases import requests
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Role
from corredor.web.i18n import Formatter
from tests.case_kit import household_of
from tests.platform.conftest import PASSWORD
from tests.web.appointment_kit import open_window
from tests.web.signed_in import make_account
from tests.web.test_browser import SCREENSHOTS, browser, serious_violations
from tests.web.test_journeys_browser import PHONE, Site, save_small_screenshot, site

__all__ = ["browser", "site"]  # the fixtures this module shares


class Applicant:
    """An applicant on a phone whose browser runs no JavaScript at all."""

    def __init__(self, browser: Browser, site: Site, lang: str) -> None:
        self.site = site
        self.username, self.user_id = make_account(site.platform, Role.APPLICANT)
        self.context: BrowserContext = browser.new_context(
            viewport=PHONE, device_scale_factor=1, locale=lang, java_script_enabled=False
        )
        self.page: Page = self.context.new_page()
        # axe-core is a script: it runs on a copy of each page, in a context that allows it
        self.checker_context = browser.new_context(viewport=PHONE, device_scale_factor=1)
        self.checker = self.checker_context.new_page()
        self.checker.goto(site.url + "/static/corredor.css")  # same origin: the stylesheet loads
        self.violations: dict[str, list[str]] = {}
        self.open(f"/sign-in?lang={lang}")
        self.page.fill("#username", self.username)
        self.page.fill("#password", PASSWORD)
        self.page.locator("main button[type=submit]").click()
        assert self.page.url.endswith("/account"), self.page.url

    @property
    def principal(self) -> Principal:
        return Principal(self.user_id, self.username, Role.APPLICANT, None)

    def open(self, path: str) -> Page:
        self.page.goto(self.site.url + path)
        return self.page

    def press(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def scan(self, name: str, screenshot: str | None = None) -> None:
        html = self.page.content()
        assert "<script" not in html.lower(), f"{name}: the page carries a script"
        self.checker.set_content(html)
        self.violations[name] = serious_violations(self.checker)
        if screenshot:
            path = SCREENSHOTS / f"applicant-appointment-{screenshot}.png"
            save_small_screenshot(self.page, path, full_page=True)

    def close(self) -> None:
        self.context.close()
        self.checker_context.close()


def test_an_applicant_asks_for_an_appointment_without_javascript_and_axe_finds_nothing_serious(  # noqa: PLR0915 - one journey, read top to bottom
    browser: Browser, site: Site
) -> None:
    window = open_window(site.platform, seats=[1, 1])
    marie = Applicant(browser, site, "ht")
    household_of(site.platform, marie.user_id, Role.APPLICANT)  # her case, registered by INM
    try:
        page = marie.open("/appointments")
        assert page.get_attribute("html", "lang") == "ht"
        assert window.out.seed_commitment not in page.content()  # no hash for applicants
        assert "Yo te fikse tiraj la anvan peryòd la te louvri" in page.content()
        marie.scan("list", screenshot="list-ht")
        page.get_by_role("button", name="Mande yon randevou").click()

        # one question per page; nothing chosen first: the summary links to the field
        assert page.url.endswith("/appointments/new/q/place")
        marie.press("Kontinye")
        assert page.locator(".error-summary a").first.get_attribute("href") == "#place"
        marie.scan("place-error", screenshot="error-ht")
        page.check(f"input[value='{window.place}']")
        marie.scan("place")
        marie.press("Kontinye")
        assert page.url.endswith("/appointments/new/q/people")
        assert "Ana Kit" in page.content()  # her household's persons, by name
        page.check("#person")
        marie.scan("people", screenshot="people-ht")
        marie.press("Kontinye")
        assert page.url.endswith("/appointments/new/check")
        assert "Ana Kit" in page.content()
        marie.scan("check", screenshot="check-ht")
        marie.press("Mande yon randevou")
        assert "Demann ou an anrejistre. Ou nan tiraj la." in page.content()
        assert "Anrejistre: n ap tann tiraj la" in page.locator("h1").inner_text()
        request_id = page.url.split("/appointments/")[1].split("?")[0]
        marie.scan("registered", screenshot="registered-ht")

        # the window closes and the draw runs; the seed is revealed
        run_id = window.run()
        window.reveal()
        position = requests.position(site.platform, marie.principal, request_id)
        assert position.status == "assigned" and position.appointment is not None
        page = marie.open(f"/appointments/{request_id}")
        text = page.locator("main").inner_text()
        assert "Tout lòt moun" in text  # her tier, in words
        assert str(position.draw_number) in text
        assert Formatter("ht").date(position.appointment.day) in text
        assert page.locator(f"a[href='/allocation/results/{run_id}']").count() == 1
        marie.scan("result", screenshot="result-ht")

        # another day of the window, keeping her draw
        page.get_by_role("button", name="Chwazi yon lòt jou").click()
        marie.scan("reschedule", screenshot="reschedule-ht")
        page.locator("input[name=day]").first.check()
        marie.press("Chanje jou randevou mwen")
        assert "Yo chanje jou randevou ou." in page.content()
        moved = requests.position(site.platform, marie.principal, request_id)
        assert moved.appointment is not None
        assert moved.appointment.day != position.appointment.day
        assert moved.draw_number == position.draw_number

        marie.press("Konfime m ap vini")
        assert "Randevou ou konfime." in page.content()
        marie.scan("confirmed", screenshot="confirmed-ht")

        # cancelling asks first
        page.get_by_role("button", name="Anile demann mwen an").click()
        marie.scan("cancel", screenshot="cancel-ht")
        marie.press("Wi, anile demann mwen an")
        assert "Demann ou an anile." in page.content()
        marie.scan("cancelled")
        gone = requests.position(site.platform, marie.principal, request_id)
        assert gone.status == "cancelled" and gone.appointment is None

        # the published results the status page links to
        page = marie.open(f"/allocation/results/{run_id}")
        marie.scan("results")
        assert marie.violations and all(not found for found in marie.violations.values()), {
            name: found for name, found in marie.violations.items() if found
        }
    finally:
        marie.close()
