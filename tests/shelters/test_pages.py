"""The shelter staff's occupancy page: the form records through the same use case as the API,
for one's own shelter only, with field-named errors; Spanish and English."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.kernel.domain.permissions import Role
from corredor.platform import Platform
from corredor.shelters import use_cases
from tests.shelters.conftest import TODAY, new_shelter, report
from tests.web.signed_in import Visitor, error_links


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = lambda: TODAY
    return session_platform


def shelter_staff(platform: Platform, beds: int = 40) -> tuple[Visitor, str]:
    client = TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    )
    visitor = Visitor(client).sign_in(platform, Role.SHELTER_STAFF)
    shelter = new_shelter(platform, beds)
    use_cases.assign_staff(platform, shelter, visitor.username)
    return visitor, shelter


def form(**changes: Any) -> dict[str, str]:
    return {field: str(value) for field, value in report(**changes).items() if value != 0}


def test_the_menu_leads_to_the_one_shelter_of_the_staff(platform: Platform) -> None:
    staff, shelter = shelter_staff(platform)
    listed = staff.get("/staff/shelters")
    assert listed.status_code == 303
    assert listed.headers["location"] == f"/staff/shelters/{shelter}/occupancy"
    page = staff.get(f"/staff/shelters/{shelter}/occupancy", lang="en")
    assert page.status_code == 200
    assert "People who slept here last night" in page.text
    assert "No report yet." in page.text
    kreyol = staff.get(f"/staff/shelters/{shelter}/occupancy", lang="ht").text
    assert '<html lang="en">' in kreyol  # a staff page: the language chosen before, not ht
    assert 'hreflang="ht"' not in kreyol


def test_the_form_records_and_the_report_shows_below(platform: Platform) -> None:
    staff, shelter = shelter_staff(platform)
    url = f"/staff/shelters/{shelter}/occupancy"
    done = staff.submit(url, url, form())  # blank boxes (the zeros) read as 0
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{url}?done=1"
    history = use_cases.list_shelters(platform)
    assert next(s for s in history if s.id == shelter).free_places == 28
    page = staff.get(url, lang="es", done="1").text
    assert "Guardado." in page
    assert "<td>12" in page


def test_bad_counts_are_named_on_the_page_and_nothing_is_recorded(platform: Platform) -> None:
    staff, shelter = shelter_staff(platform, beds=10)
    url = f"/staff/shelters/{shelter}/occupancy"
    answer = staff.submit(url, url, form(arrivals="dos", present=13) | {"lang": "en"})
    assert answer.status_code == 400
    assert error_links(answer.text) == ["arrivals"]
    answer = staff.submit(url, url, form(present=13))
    assert answer.status_code == 400
    assert error_links(answer.text) == ["female_0_17", "note"]
    assert 'value="13"' in answer.text  # what was typed stays
    answer = staff.submit(url, url, form(departures=-1))
    assert error_links(answer.text) == ["departures"]
    assert next(s for s in use_cases.list_shelters(platform) if s.id == shelter).reported_on is None


def test_another_shelters_page_is_refused(platform: Platform) -> None:
    staff, ours = shelter_staff(platform)
    _, theirs = shelter_staff(platform)
    assert staff.get(f"/staff/shelters/{theirs}/occupancy").status_code == 403
    refused = staff.submit(
        f"/staff/shelters/{ours}/occupancy", f"/staff/shelters/{theirs}/occupancy", form()
    )
    assert refused.status_code == 403
    assert next(s for s in use_cases.list_shelters(platform) if s.id == theirs).reported_on is None
