"""Walk a case along the corridor through the API, step by step, for tests to start from."""

from __future__ import annotations

from typing import Any

from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, household

STEPS = [
    "registered",
    "tvrh_issued",
    "disclosed",
    "parole_requested",
    "vetted_clear",
    "parole_granted",
    "work_authorized",
]
CBP_FIELDS = ["name", "birth_date", "nationality", "document_number", "household", "tvrh"]


def ok(answer: Any, *codes: int) -> dict[str, Any]:
    assert answer.status_code in (codes or (200, 201)), answer.text
    result: dict[str, Any] = answer.json()
    return result


def walk(
    api: Api,
    until: str,
    applicant: str = "applicant",
    photo: bytes | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Register a household and take it up to `until`; returns ids gathered on the way. With
    `photo`, the desk photographs the first person (with consent) before the TVRH."""
    me = api.user(applicant, Role.APPLICANT)
    case = ok(
        api.post(
            "/cases", "inm", Role.INM_OFFICER, household(applicant_user_id=me["id"], **changes)
        )
    )
    ids: dict[str, Any] = {"case": case["id"], "case_body": case}
    case_id = case["id"]
    for step in STEPS[1 : STEPS.index(until) + 1]:
        if step == "tvrh_issued":
            if photo is not None:
                taken = api.client.put(
                    f"/api/v1/cases/{case_id}/persons/0/photo",
                    headers=api.headers("inm", Role.INM_OFFICER),
                    files={"photo": ("photo.jpg", photo, "image/jpeg")},
                    data={"consent": "true"},
                )
                ok(taken)
            ok(api.post(f"/cases/{case_id}/tvrh", "inm", Role.INM_OFFICER), 201)
        elif step == "disclosed":
            consent = ok(
                api.post(
                    f"/cases/{case_id}/consents",
                    "inm",
                    Role.INM_OFFICER,
                    {"recipient": "CBP", "purpose": "parole", "fields": CBP_FIELDS},
                )
            )
            ids["consent"] = consent["id"]
            disclosure = ok(
                api.post(
                    f"/cases/{case_id}/disclosures",
                    "inm",
                    Role.INM_OFFICER,
                    {"consent_id": consent["id"], "fields": CBP_FIELDS},
                )
            )
            ids["disclosure"] = disclosure["id"]
        elif step == "parole_requested":
            ok(
                api.post(
                    f"/cases/{case_id}/parole-application",
                    applicant,
                    Role.APPLICANT,
                    {"channel": "app"},
                )
            )
        elif step == "vetted_clear":
            vetting = ok(api.post(f"/cases/{case_id}/vetting", "cbp", Role.CBP_OFFICER))
            ids["vetting"] = vetting
        elif step == "parole_granted":
            ok(
                api.post(
                    f"/cases/{case_id}/parole-decision",
                    "cbp",
                    Role.CBP_OFFICER,
                    {"decision": "grant", "travel_mode": "flight", "port_id": "us-fl-mia"},
                )
            )
        elif step == "work_authorized":
            ok(
                api.post(
                    f"/cases/{case_id}/admission",
                    "cbp",
                    Role.CBP_OFFICER,
                    {"port_id": "us-fl-mia"},
                )
            )
    return ids
