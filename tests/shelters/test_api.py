"""The shelter API on SQLite and PostgreSQL: the public list with free places, and the daily
occupancy that only a shelter's own staff record and read, with its history and audit."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.domain.permissions import Role
from corredor.kernel.tables import AuditEntry
from corredor.shelters import use_cases
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS
from tests.platform.conftest import Api
from tests.shelters.conftest import TODAY, report, staffed


def test_the_shelters_and_their_free_places_are_public(api: Api) -> None:
    use_cases.seed_registry(api.platform)
    staff = staffed(api, beds=40)
    assert staff.post(report()).status_code == 200
    answer = api.client.get("/api/v1/shelters")  # no token
    assert answer.status_code == 200
    listed = {shelter["id"]: shelter for shelter in answer.json()}
    assert {s.id for s in ILLUSTRATIVE_SHELTERS} <= set(listed)
    tapachula = listed["tapachula-centro"]
    assert tapachula["region"] == "MX-CHP"
    assert tapachula["zone"] == "south"
    assert tapachula["illustrative"] is True
    assert "legal_aid" in tapachula["services"]
    assert listed["ciudad-juarez"]["zone"] == "north"
    ours = listed[staff.shelter]
    assert (ours["free_places"], ours["reported_on"]) == (28, TODAY.isoformat())


def test_staff_record_their_own_shelter_and_the_correction_is_kept(api: Api) -> None:
    staff = staffed(api, beds=40)
    first = staff.post(report())
    assert first.status_code == 200, first.text
    assert first.json()["revision"] == 1
    assert first.json()["free_places"] == 28
    corrected = staff.post(report(present=14, male_18_59=5))
    assert corrected.json()["revision"] == 2
    history = staff.history().json()
    assert [(h["day"], h["revision"], h["present"]) for h in history] == [
        (TODAY.isoformat(), 2, 14),
        (TODAY.isoformat(), 1, 12),
    ]
    listed = {s["id"]: s for s in api.client.get("/api/v1/shelters").json()}
    assert listed[staff.shelter]["free_places"] == 26  # the correction counts


def test_every_report_is_audited(api: Api) -> None:
    staff = staffed(api)
    staff.post(report())
    with api.platform.db.transaction() as s:
        entries = s.execute(
            select(AuditEntry).where(AuditEntry.action == AuditTag.SHELTER_RECORD_OCCUPANCY)
        ).scalars()
        mine = [e.detail for e in entries if e.detail["shelter"] == staff.shelter]
    assert mine == [
        {
            "shelter": staff.shelter,
            "day": TODAY.isoformat(),
            "revision": 1,
            "present": 12,
            "over_capacity": False,
        }
    ]


def test_a_retry_with_the_same_key_records_once(api: Api) -> None:
    staff = staffed(api)
    key = uuid.uuid4().hex
    assert staff.post(report(), key=key).json()["revision"] == 1
    assert staff.post(report(), key=key).json()["revision"] == 1
    assert len(staff.history().json()) == 1


def test_another_shelters_staff_are_refused_and_an_unknown_shelter_is_not_found(api: Api) -> None:
    ours, theirs = staffed(api), staffed(api)
    assert ours.post(report(), shelter=theirs.shelter).status_code == 403
    assert ours.history(shelter=theirs.shelter).status_code == 403
    assert ours.post(report(), shelter="no-such-shelter").status_code == 404
    assert theirs.history().json() == []


def test_bad_counts_get_a_field_named_error(api: Api) -> None:
    staff = staffed(api, beds=40)
    cases = {
        "arrivals": report(arrivals=-2),
        "female_0_17": report(present=20),
        "unaccompanied_children": report(unaccompanied_children=9),
    }
    for field, body in cases.items():
        answer = staff.post(body)
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["body", field]
    assert staff.history().json() == []


def test_over_capacity_is_accepted_only_with_a_note(api: Api) -> None:
    staff = staffed(api, beds=10)
    refused = staff.post(report())
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "note"]
    accepted = staff.post(report(note="Llegó un grupo grande de noche"))
    assert accepted.status_code == 200
    assert accepted.json()["over_capacity"] is True
    assert accepted.json()["free_places"] == 0


def test_a_report_for_the_future_is_refused(api: Api) -> None:
    staff = staffed(api)
    answer = staff.post(report(day="2026-11-21"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "day"]
    assert staff.post(report(day="2026-11-19")).json()["day"] == "2026-11-19"


def test_only_shelter_staff_record_occupancy(api: Api) -> None:
    staff = staffed(api)
    for role in (Role.INM_OFFICER, Role.CASEWORKER, Role.APPLICANT):
        path = f"/shelters/{staff.shelter}/occupancy"
        assert api.post(path, f"other-{role}", role, report()).status_code == 403
        assert api.get(path, f"other-{role}", role).status_code == 403
    assert (
        api.client.post(f"/api/v1/shelters/{staff.shelter}/occupancy", json=report()).status_code
        == 401
    )
