"""The desk's holder-photo pages without a browser: who may open them, CSRF, and each refusal
shown at the field in the officer's language (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from httpx import Response

from corredor.kernel.domain.permissions import Role
from corredor.platform import Platform
from tests.case_kit import household_case
from tests.web.signed_in import Visitor, csrf_of
from tests.web.test_pages import visitor

PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "portrait.jpg"


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


def send(officer: Visitor, case_id: str, files: dict[str, Any] | None, consent: bool) -> Response:
    client = officer.client
    page = client.get(f"/cases/{case_id}/photos")
    assert page.status_code == 200
    data = {"csrf_token": csrf_of(page.text)} | ({"consent": "yes"} if consent else {})
    return client.post(f"/cases/{case_id}/persons/0/photo", data=data, files=files)


def test_each_refusal_is_shown_at_the_field_and_nothing_is_kept(platform: Platform) -> None:
    house = household_case(platform)
    officer = visitor(platform, Role.INM_OFFICER)
    photo = {"photo": ("cara.jpg", PORTRAIT.read_bytes(), "image/jpeg")}
    cases = [
        (None, True, "Tome la foto o elija un archivo"),
        (photo, False, "Marque la casilla cuando la persona haya aceptado"),
        ({"photo": ("cara.jpg", b"no soy una foto", "image/jpeg")}, True, "no es una foto"),
    ]
    for files, consent, message in cases:
        answer = send(officer, house.case_id, files, consent)
        assert answer.status_code == 400, message
        html = answer.text
        assert message in html
        assert 'id="photo-0-error"' in html
        assert "<img" not in html
    kept = send(officer, house.case_id, photo, True)
    assert kept.status_code == 303
    assert kept.headers["location"] == f"/cases/{house.case_id}/photos?done=0#person-0"
    shown = officer.client.get(f"/cases/{house.case_id}/photos")
    assert f'src="/cases/{house.case_id}/persons/0/photo?at=' in shown.text
    assert "Reemplazar la foto" in shown.text
    image = officer.client.get(f"/cases/{house.case_id}/persons/0/photo")
    assert image.headers["content-type"] == "image/jpeg"
    assert image.headers["cache-control"] == "no-store"


def test_without_the_csrf_token_nothing_is_kept(platform: Platform) -> None:
    house = household_case(platform)
    officer = visitor(platform, Role.INM_OFFICER)
    answer = officer.client.post(
        f"/cases/{house.case_id}/persons/0/photo",
        data={"consent": "yes"},
        files={"photo": ("cara.jpg", PORTRAIT.read_bytes(), "image/jpeg")},
    )
    assert answer.status_code == 403
    assert officer.client.get(f"/cases/{house.case_id}/persons/0/photo").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.CBP_OFFICER, Role.APPLICANT, Role.ADMIN, Role.SHELTER_STAFF]
)
def test_only_inm_officers_open_the_desk_photo_page(platform: Platform, role: Role) -> None:
    house = household_case(platform)
    other = visitor(platform, role)
    assert other.client.get(f"/cases/{house.case_id}/photos").status_code == 403
    answer = other.client.post(
        f"/cases/{house.case_id}/persons/0/photo",
        data={"consent": "yes"},
        files={"photo": ("cara.jpg", PORTRAIT.read_bytes(), "image/jpeg")},
    )
    assert answer.status_code == 403
    case_page = other.client.get(f"/cases/{house.case_id}")
    assert f"/cases/{house.case_id}/photos" not in case_page.text
