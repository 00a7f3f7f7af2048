"""The signed-in pages in a real browser (Debian's Chromium via Playwright), each page scanned by
axe-core: INM -> applicant -> CBP -> arrival across three roles, a caseworker assisting in Spanish
for an English-speaking applicant, and the applicant's timeline and access log.

The server is the whole app (API and pages) on uvicorn, over a migrated SQLite database; the
same pages run on PostgreSQL in test_pages.py. Screenshots go to $CORREDOR_SCREENSHOTS (see test_browser.py).
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page

from corredor.app import create_app
from corredor.cases.schemas import HouseholdIn, MemberIn, PersonIn
from corredor.cases.use_cases import registration, tvrh
from corredor.config import Settings
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.sharing import use_cases as sharing
from corredor.sharing.schemas import ConsentIn, DisclosureIn
from corredor.web.nav import home_for
from tests.case_kit import assign
from tests.platform.conftest import PASSWORD, Databases
from tests.web.signed_in import make_account
from tests.web.test_browser import (
    SCREENSHOTS,
    browser,
    free_port,
    serious_violations,
)

__all__ = ["browser"]  # the module's Chromium, shared with the screener's browser test
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


@dataclass
class Site:
    url: str
    platform: Platform


@pytest.fixture(scope="module")
def site(databases: Databases) -> Iterator[Site]:
    platform = Platform.build(Settings(database_url=databases.new("sqlite"), demo=True))
    port = free_port()
    config = uvicorn.Config(
        create_app(platform=platform), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a safety stop on a loaded machine, not a speed test
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    # localhost: browsers keep Secure cookies over http there
    yield Site(f"http://localhost:{port}", platform)
    server.should_exit = True
    thread.join(timeout=10)
    platform.db.dispose()


def save_small_screenshot(page: Page, path: Path, full_page: bool) -> None:
    """A PNG of at most 32 colours (text and flat colours lose nothing visible), so the docs'
    screenshots stay small; a phone page whole, a desk page as the screen shows it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shot = Image.open(io.BytesIO(page.screenshot(full_page=full_page)))
    shot.convert("RGB").quantize(colors=32).save(path, optimize=True)


class Person:
    """One person at their own device: a browser context, signed in to one account."""

    def __init__(
        self, browser: Browser, site: Site, role: Role, lang: str, viewport: dict[str, int]
    ) -> None:
        self.site = site
        self.username, self.user_id = make_account(site.platform, role)
        self.context: BrowserContext = browser.new_context(
            viewport=viewport, device_scale_factor=1, locale=lang
        )
        self.page: Page = self.context.new_page()
        self.violations: dict[str, list[str]] = {}
        self.open(f"/sign-in?lang={lang}")
        self.page.fill("#username", self.username)
        self.page.fill("#password", PASSWORD)
        self.page.locator("main button[type=submit]").click()
        assert self.page.url.endswith(home_for(role)), self.page.url  # each role's home

    def open(self, path: str) -> Page:
        self.page.goto(self.site.url + path)
        return self.page

    def scan(self, name: str, screenshot: str | None = None) -> None:
        """axe-core on the page as it is now; a screenshot for the docs if named."""
        self.violations[name] = serious_violations(self.page)
        if screenshot:
            phone = (self.page.viewport_size or {}).get("width", 0) < 800
            save_small_screenshot(self.page, SCREENSHOTS / f"{screenshot}.png", full_page=phone)

    def serious(self) -> dict[str, list[str]]:
        return {name: found for name, found in self.violations.items() if found}

    def close(self) -> None:
        self.context.close()


def test_inm_applicant_cbp_arrival_journey_with_no_serious_axe_violation(  # noqa: PLR0915 - one journey, read top to bottom
    browser: Browser, site: Site
) -> None:
    marie = Person(browser, site, Role.APPLICANT, "ht", PHONE)
    inm = Person(browser, site, Role.INM_OFFICER, "es", DESK)
    cbp = Person(browser, site, Role.CBP_OFFICER, "en", DESK)
    people = (marie, inm, cbp)
    try:
        # INM at the desk, in Spanish: register, with one mistake first
        page = inm.open("/desk/register")
        assert page.get_attribute("html", "lang") == "es"
        page.select_option("#border_point", "mx-chp-ciudad-hidalgo")
        page.check("#ground")  # the first ground: asylum seeker
        page.fill("#name", "Marie-Claude Joseph")
        page.locator("main button[type=submit]").click()
        assert page.locator(".error-summary a").first.get_attribute("href") == "#birth-day"
        assert page.input_value("#name") == "Marie-Claude Joseph"  # kept
        inm.scan("register-error")
        page.fill("#birth-day", "11")
        page.fill("#birth-month", "4")
        page.fill("#birth-year", "1992")
        page.select_option("#nationality", "HT")
        page.fill("#document_number", f"HT-B{uuid.uuid4().hex[:8].upper()}")
        page.check("#documents-passport")
        page.fill("#applicant", marie.username)
        page.select_option("#member-1-relation", "child")
        page.fill("#member-1-name", "Wesley Joseph")
        page.fill("#member-1-birth-day", "2")
        page.fill("#member-1-birth-month", "3")
        page.fill("#member-1-birth-year", str(date.today().year - 4))
        page.select_option("#member-1-nationality", "HT")
        inm.scan("register", screenshot="desk-register-es")
        page.locator("main button[type=submit]").click()
        assert "Revise el grupo familiar" in page.locator("h1").inner_text()
        inm.scan("register-check", screenshot="desk-register-check-es")
        page.get_by_role("button", name="Registrar el grupo familiar").click()
        assert "/cases/" in page.url
        case = page.url.split("/cases/")[1].split("?")[0]
        page.get_by_role("button", name="Decidir y expedir la TVRH").click()
        assert "Tarjeta de Visitante por Razones Humanitarias (TVRH)" in page.content()
        inm.scan("case-tvrh", screenshot="desk-case-tvrh-es")

        # the applicant on her phone, in Haitian Creole: consent to share with CBP
        page = marie.open(f"/cases/{case}")
        assert page.get_attribute("html", "lang") == "ht"
        marie.scan("case")
        page = marie.open(f"/cases/{case}/consents")
        for field in ("fields", "fields-birth_date", "fields-nationality", "fields-household"):
            page.check(f"#{field}")
        page.check("#fields-tvrh")
        marie.scan("consent", screenshot="applicant-consent-ht")
        page.get_by_role("button", name="Mwen dakò pataje sa").click()
        assert "Konsantman ou anrejistre." in page.content()

        # INM discloses what she consented to
        page = inm.open(f"/desk/cases/{case}/disclosure")
        inm.scan("disclosure")
        page.locator("main button[type=submit]").click()
        assert "Los datos consentidos se compartieron con CBP." in page.content()

        # she applies for parole: one question per page, check, send
        page = marie.open(f"/cases/{case}/parole")
        marie.scan("parole-start")
        page.get_by_role("button", name="Kòmanse kounye a").click()
        page.get_by_role("button", name="Kontinye").click()  # nothing chosen: an error
        assert page.locator(".error-summary").is_visible()
        marie.scan("parole-error")
        page.check("#answer")
        page.get_by_role("button", name="Kontinye").click()
        page.check("#answer")
        marie.scan("parole-declaration", screenshot="applicant-parole-question-ht")
        page.get_by_role("button", name="Kontinye").click()
        assert page.url.endswith("/parole/check")
        marie.scan("parole-check", screenshot="applicant-parole-check-ht")
        page.get_by_role("button", name="Fè demann parole").click()
        assert "Demann parole ou a voye" in page.content()

        # CBP, in English: the queue, the disclosed fields, vetting, decision, admission
        page = cbp.open("/cbp")
        cbp.scan("queue", screenshot="cbp-queue-en")
        page.get_by_role("link", name=case[:8].upper()).click()
        assert "Marie-Claude Joseph" in page.content()
        assert "Document number" not in page.content()  # not consented, not disclosed
        cbp.scan("review")
        page.get_by_role("button", name="Run vetting").click()
        assert "Vetting result: no match" in page.content()
        page.check("#decision")
        page.check("#travel_mode-flight")
        page.get_by_role("button", name="Record the decision").click()
        assert page.locator(".error-summary a").first.get_attribute("href") == "#flight_port"
        cbp.scan("decision-error", screenshot="cbp-decision-error-en")
        page.select_option("#flight_port", "us-fl-mia")
        page.get_by_role("button", name="Record the decision").click()
        assert "The parole decision was recorded." in page.content()
        page = cbp.open(f"/cbp/cases/{case}")
        page.select_option("#admission_port", "us-fl-mia")
        cbp.scan("admission")
        page.get_by_role("button", name="Record admission (paroled in)").click()
        assert "Work authorization started" in page.content()

        # back on her phone: the timeline, and who has seen her data
        page = marie.open(f"/cases/{case}")
        assert "Admèt Ozetazini, ak otorizasyon travay" in page.locator("h1").inner_text()
        assert "CBP akòde parole la" in page.content()
        marie.scan("timeline", screenshot="applicant-timeline-ht")
        page.get_by_role("link", name="Ki moun ki wè done ou yo").first.click()
        table = page.locator("table").inner_text()
        assert "Ofisye CBP" in table
        assert "Pou deside sou parole ou, ak konsantman ou" in table
        marie.scan("access", screenshot="applicant-access-ht")

        for person in people:
            assert person.serious() == {}
    finally:
        for person in people:
            person.close()


def _case_ready_for_parole(site: Site) -> tuple[str, str]:
    """A household with a TVRH and a disclosure to CBP, prepared through the use cases."""
    platform = site.platform
    username, user_id = make_account(platform, Role.INM_OFFICER)
    officer = Principal(user_id, username, Role.INM_OFFICER, Agency.INM)
    document = f"HT-A{uuid.uuid4().hex[:8].upper()}"
    household = HouseholdIn(
        border_point_id="mx-chp-talisman",
        ground="tvrh.ground.asylum-seeker",
        principal=PersonIn(
            name="Jean Baptiste",
            birth_date=date(1988, 5, 4),
            nationality="HT",
            document_number=document,
        ),
        members=[
            MemberIn(
                name="Rose Baptiste",
                birth_date=date(date.today().year - 3, 1, 9),
                nationality="HT",
                relation="child",
            )
        ],
        documents=["passport"],
    )
    fields = ["name", "birth_date", "nationality", "household", "tvrh"]
    with unit_of_work(platform) as s:
        case = registration.register_household(platform, officer, household).run(s)
        tvrh.decide_tvrh(platform, officer, case.id).run(s)
        consent = sharing.record_consent(
            platform, officer, case.id, ConsentIn.model_validate({"fields": fields})
        ).run(s)
        sharing.create_disclosure(
            platform,
            officer,
            case.id,
            DisclosureIn.model_validate({"consent_id": consent.id, "fields": fields}),
        ).run(s)
    # The person asked for help at the assisted site: UNHCR's caseworkers there may act on it.
    assign(platform, case.id, agency="UNHCR", officer=officer)
    return case.id, document


def test_a_caseworker_assists_in_spanish_for_an_english_speaking_applicant(
    browser: Browser, site: Site
) -> None:
    case, document = _case_ready_for_parole(site)
    worker = Person(browser, site, Role.CASEWORKER, "es", DESK)
    try:
        page = worker.open("/assist")
        page.select_option("#for", "en")
        page.get_by_role("button", name="Elija").click()  # the language, chosen apart
        page.fill("#document", document)  # sent in the form's body, never in the URL
        worker.scan("assist")
        page.get_by_role("button", name="Buscar el caso").click()
        worker.scan("assist-found", screenshot="caseworker-assist-es")
        page.get_by_role("link", name=f"Caso {case[:8].upper()}").click()
        page = worker.open(f"/cases/{case}/parole/q/site")
        panel = page.locator("section.panel[lang=en]")
        assert "Where will you go for your parole interview?" in panel.inner_text()
        assert "¿A dónde irá para su entrevista de parole?" in page.locator("h1").inner_text()
        page.check("#answer")
        page.get_by_role("button", name="Continuar").click()
        panel = page.locator("section.panel[lang=en]")
        assert "I confirm that what my household and I told INM is true" in panel.inner_text()
        worker.scan("declaration", screenshot="caseworker-declaration-es-en")
        page.check("#answer")
        page.get_by_role("button", name="Continuar").click()
        summary = page.locator("section.panel[lang=en]").inner_text()
        assert "Check your answers before you apply" in summary
        assert "People who travel with you: 2" in summary
        worker.scan("check")
        page.get_by_role("button", name="Solicitar en su nombre").click()
        assert "Solicitud de parole enviada" in page.locator("h1").inner_text()
        assert "(ayudándole)" in page.content()  # the event records the caseworker's help
        worker.scan("case")
        assert worker.serious() == {}
    finally:
        worker.close()


@pytest.mark.parametrize(
    ("path", "lang", "viewport", "shot"),
    [
        ("/sign-in", "es", PHONE, "sign-in-es"),
        ("/?lang=en", "en", PHONE, "home-demo-en"),
        ("/staff/policies", "en", DESK, "staff-policies-en"),
        ("/cases", "es", DESK, None),
        # an auditor's pages carry staff tasks: asked for in French, they answer in Spanish
        ("/account?lang=fr", "es", PHONE, None),
        ("/cases/00000000-0000-0000-0000-000000000000", "pt", PHONE, None),  # the 404 page
        ("/desk/register", "pt", PHONE, None),  # the 403 page: an auditor is not INM
    ],
)
def test_other_pages_pass_axe(  # noqa: PLR0917 - pytest passes fixtures and parameters by name
    browser: Browser,
    site: Site,
    path: str,
    lang: str,
    viewport: dict[str, int],
    shot: str | None,
) -> None:
    auditor = Person(browser, site, Role.AUDITOR, lang, viewport)
    try:
        separator = "&" if "?" in path else "?"
        page = auditor.open(path + ("" if "lang=" in path else f"{separator}lang={lang}"))
        assert page.get_attribute("html", "lang") == lang
        auditor.scan(path, screenshot=shot)
        assert auditor.serious() == {}
    finally:
        auditor.close()
