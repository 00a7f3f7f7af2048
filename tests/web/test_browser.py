"""The screener in a real browser: Debian's Chromium driven by Playwright, pages scanned by axe-core.

The server is uvicorn on a free loopback port. The browser is /usr/bin/chromium (installed by
`.ci/run` with apt-get; never downloaded), axe-core comes from web-tests/ (`npm ci`).
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from corredor.screening.domain.catalogue import Catalogue
from tests.web.conftest import web_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "web-tests" / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots go to a scratch folder of this run, so that a test run leaves the work tree as it
# was; `CORREDOR_SCREENSHOTS=docs/screenshots make unit` refreshes the ones in the docs.
SCREENSHOTS = Path(
    os.environ.get("CORREDOR_SCREENSHOTS")
    or Path(tempfile.gettempdir()) / f"corredor-screenshots-{os.getpid()}"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(catalogue: Catalogue) -> Iterator[str]:
    port = free_port()
    # Secure cookies travel over http only to localhost, which browsers treat as secure.
    config = uvicorn.Config(web_app(catalogue), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a safety stop on a loaded machine, not a speed test
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://localhost:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "install Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # a phone-sized screen, as most people who use the screener have
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    yield context.new_page()
    context.close()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, as 'rule: target' lines."""
    assert AXE.exists(), "run `npm ci` in web-tests/ to install axe-core"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .flatMap(v => v.nodes.map(n => `${v.id}: ${n.target.join(' ')}`));
        }"""
    )
    return [str(item) for item in found]


def answer(page: Page, fact: str) -> None:
    """Answer the question on screen as a Haitian family with a toddler in Chiapas would."""
    if fact == "nationality":
        page.select_option("#answer", "HT")
    elif fact == "current_country":
        page.select_option("#answer", "MX")
    elif fact == "current_region":
        page.select_option("#answer", "MX-CHP")
    elif fact == "household":
        page.select_option("#relation-1", "child")
        page.fill("#day-1", "3")
        page.fill("#month-1", "5")
        page.fill("#year-1", "2023")
    elif fact in ("birth_date", "in_country_since"):
        page.fill("#day", "2")
        page.fill("#month", "2")
        page.fill("#year", "1990" if fact == "birth_date" else "2026")
    elif fact == "documents":
        page.check("#answer")  # the first document: passport
    elif fact == "irregular_entries":
        pass  # none
    else:
        page.check("#answer-no")


def test_screener_in_haitian_creole_to_a_result_with_no_serious_axe_violation(
    page: Page, base_url: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    violations: dict[str, list[str]] = {}

    page.goto(f"{base_url}/?lang=ht")
    assert page.get_attribute("html", "lang") == "ht"
    assert page.locator("h1").inner_text() == "Jwenn yon chemen ki san danje e ki legal"
    violations["home"] = serious_violations(page)
    page.screenshot(path=str(SCREENSHOTS / "screener-home-ht.png"), full_page=True)
    page.get_by_role("button", name="Kòmanse kounye a").click()

    # the first question (age comes first), sent empty: the error summary links to the field
    assert page.url.endswith("/screener/q/birth_date")
    page.get_by_role("button", name="Kontinye").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a").first.get_attribute("href") == "#day"
    violations["error"] = serious_violations(page)
    page.screenshot(path=str(SCREENSHOTS / "screener-error-ht.png"), full_page=True)

    asked: list[str] = []
    while "/screener/q/" in page.url:
        fact = page.url.rsplit("/", 1)[1]
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        assert page.get_attribute("html", "lang") == "ht"
        violations[fact] = serious_violations(page)
        if fact == "household":
            page.screenshot(path=str(SCREENSHOTS / "screener-household-ht.png"), full_page=True)
        answer(page, fact)
        page.get_by_role("button", name="Kontinye").click()
    assert "household" in asked

    assert page.url.endswith("/screener/check")
    assert page.locator("h1").inner_text() == "Verifye repons ou yo"
    violations["check"] = serious_violations(page)
    page.screenshot(path=str(SCREENSHOTS / "screener-check-ht.png"), full_page=True)
    page.get_by_role("button", name="Wè rezilta yo").click()

    assert page.url.endswith("/screener/results")
    corridor = page.locator("#pathway-mx-us-joint-corridor").locator("xpath=..")
    assert "Ou ka kalifye" in corridor.inner_text()
    assert "Sa pou w fè apre" in corridor.inner_text()
    violations["results"] = serious_violations(page)
    page.screenshot(path=str(SCREENSHOTS / "screener-results-ht.png"), full_page=True)

    assert {name: found for name, found in violations.items() if found} == {}


@pytest.mark.parametrize("lang", ["es", "en", "fr", "pt"])
def test_home_in_every_language_passes_axe(page: Page, base_url: str, lang: str) -> None:
    page.goto(f"{base_url}/?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    assert serious_violations(page) == []
    if lang == "es":
        page.screenshot(path=str(SCREENSHOTS / "screener-home-es.png"), full_page=True)


def test_the_language_selector_switches_and_remembers(browser: Browser, base_url: str) -> None:
    context = browser.new_context(locale="de-DE")  # a language Corredor does not have
    page = context.new_page()
    page.goto(f"{base_url}/")
    assert page.get_attribute("html", "lang") == "es"  # so Spanish
    page.get_by_role("link", name="Português").click()
    assert page.get_attribute("html", "lang") == "pt"
    page.goto(f"{base_url}/")
    assert page.get_attribute("html", "lang") == "pt"  # remembered in the cookie
    context.close()
