"""The four homes in a real browser (Debian's Chromium via Playwright), each page scanned by
axe-core: an airline agent and an employer land on their check and get a yes with the name, an
auditor filters the log, an administrator meets a field-named error and opens an account.

Headless Chromium on Linux has no `BarcodeDetector`, so the camera button stays hidden and the
pages work by pasting the code, as they must without the feature (progressive enhancement).
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page

from corredor.app import create_app
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import PASSWORD, Api
from tests.platform.journey import ok, walk
from tests.web.signed_in import make_account
from tests.web.test_browser import browser, serious_violations
from tests.web.test_journeys_browser import DESK, PHONE, Site, site

__all__ = ["browser", "site"]  # the module's Chromium and server


def documents(site: Site) -> dict[str, dict[str, Any]]:
    """A travel authorization still unused and a work authorization, both Marie-Claude's."""
    with TestClient(create_app(platform=site.platform)) as client:
        api = Api(client=client, platform=site.platform)
        found: dict[str, dict[str, Any]] = {}
        for until, kind in (("parole_granted", "travel"), ("work_authorized", "work")):
            case = walk(api, until, applicant=f"home-{kind}")["case"]
            issued = ok(api.get(f"/cases/{case}/documents", "inm", Role.INM_OFFICER))
            found[kind] = next(
                d for d in issued if d["type"] == kind and d["holder_name"].startswith("Marie")
            )
    return found


def signed_in(
    browser: Browser, site: Site, role: Role, *, lang: str, viewport: dict[str, int], home: str
) -> Page:
    username, _ = make_account(site.platform, role)
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale=lang)
    page = context.new_page()
    page.goto(f"{site.url}/sign-in?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    assert page.url.endswith(home), page.url  # the sign-in lands on the role's home
    return page


def test_the_four_homes_work_and_have_no_serious_axe_violation(
    browser: Browser, site: Site
) -> None:
    held = documents(site)
    violations: dict[str, list[str]] = {}

    agent = signed_in(
        browser, site, Role.AIRLINE_AGENT, lang="es", viewport=PHONE, home="/staff/check/travel"
    )
    assert agent.locator("[data-scan]").is_hidden()  # no BarcodeDetector here: paste or photo
    violations["travel-form"] = serious_violations(agent)
    agent.fill("#code", held["travel"]["credential"])
    agent.select_option("#port", "us-fl-mia")
    agent.get_by_role("button", name="Verificar", exact=True).click()
    verdict = agent.locator(".verdict").inner_text()
    assert "Sí: esta persona puede viajar" in verdict
    assert "Marie-Claude Joseph" in verdict
    violations["travel-yes"] = serious_violations(agent)

    employer = signed_in(
        browser, site, Role.EMPLOYER, lang="en", viewport=PHONE, home="/staff/check/work"
    )
    employer.get_by_role("button", name="Check", exact=True).click()
    assert employer.locator(".error-summary a").first.get_attribute("href") == "#code"
    violations["work-error"] = serious_violations(employer)
    employer.fill("#code", held["work"]["credential"])
    employer.get_by_role("button", name="Check", exact=True).click()
    verdict = employer.locator(".verdict").inner_text()
    assert "Yes: this person may work" in verdict
    assert "Valid until" in verdict
    violations["work-yes"] = serious_violations(employer)

    auditor = signed_in(browser, site, Role.AUDITOR, lang="es", viewport=DESK, home="/staff/audit")
    assert "Íntegra" in auditor.locator("main").inner_text()
    violations["audit"] = serious_violations(auditor)
    auditor.fill("#action", "verify_")
    auditor.get_by_role("button", name="Mostrar entradas").click()
    rows = auditor.locator("tbody tr")
    assert rows.count() >= 2  # the travel and the work checks above
    assert "Marie" not in auditor.locator("main").inner_text()
    violations["audit-filtered"] = serious_violations(auditor)

    admin = signed_in(browser, site, Role.ADMIN, lang="en", viewport=DESK, home="/staff/accounts")
    violations["accounts"] = serious_violations(admin)
    admin.fill("#username", "cbp.gate")
    admin.fill("#password", "a long password")
    admin.select_option("#role", "cbp_officer")
    admin.get_by_role("button", name="Create the account").click()
    assert admin.locator(".error-summary a").first.get_attribute("href") == "#agency"
    violations["accounts-error"] = serious_violations(admin)
    admin.select_option("#agency", "CBP")
    admin.fill("#password", "a long password")
    admin.get_by_role("button", name="Create the account").click()
    assert "The account was created." in admin.locator(".notice").inner_text()
    admin.get_by_role("link", name="cbp.gate").click()
    violations["account"] = serious_violations(admin)

    assert {name: found for name, found in violations.items() if found} == {}
