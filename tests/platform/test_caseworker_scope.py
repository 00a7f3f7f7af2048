"""Caseworkers act only on the cases assigned to them (security review, finding 6): any other
case is 'not found' on every route that reads or changes one, and a consent is withdrawn by a
caseworker only on the person's own instruction, with the reason recorded. SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from corredor.kernel.domain.permissions import Role
from tests.case_kit import assign
from tests.platform.conftest import Api
from tests.platform.journey import ok, walk

CW = ("unhcr-scope", Role.CASEWORKER)


def routes_of_a_case(ids: dict[str, Any]) -> list[tuple[str, str, Any]]:
    case = ids["case"]
    return [
        ("GET", f"/cases/{case}", None),
        ("GET", f"/cases/{case}/status", None),
        ("GET", f"/cases/{case}/timeline", None),
        ("GET", f"/cases/{case}/consents", None),
        ("GET", f"/cases/{case}/assignments", None),
        ("GET", f"/cases/{case}/documents", None),
        ("POST", f"/consents/{ids['consent']}/revocation", {}),
        ("POST", f"/cases/{case}/consents", {"fields": ["name"]}),
        ("POST", f"/cases/{case}/withdrawal", {"reason": "x"}),
        (
            "POST",
            f"/cases/{case}/parole-application",
            {"channel": "assisted_site", "site_id": "mx-cmx-assisted-site"},
        ),
    ]


def every_audit_entry(api: Api) -> list[dict[str, Any]]:
    """The whole (shared) log, paged to its end."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        page = ok(api.get("/audit", "auditor", Role.AUDITOR, after=after, limit=1000))
        found += page
        if len(page) < 1000:
            return found
        after = page[-1]["seq"]


def call(api: Api, method: str, path: str, body: Any, who: tuple[str, Role] = CW) -> Any:
    return api.get(path, *who) if method == "GET" else api.post(path, *who, body)


def test_a_caseworker_reaches_no_case_that_is_not_theirs(api: Api) -> None:
    ids = walk(api, "disclosed")
    for method, path, body in routes_of_a_case(ids):
        answer = call(api, method, path, body)
        assert answer.status_code == 404, (method, path, answer.status_code, answer.text)
        assert "Marie" not in answer.text
    # lists and the search by document number leave it out too
    assert ids["case"] not in {c["id"] for c in ok(api.get("/cases", *CW, limit=200))}
    number = ids["case_body"]["persons"][0]["document_number"]
    found = ok(api.post("/cases/search", *CW, {"document_number": number}))
    assert found == []


def test_an_assigned_caseworker_reads_the_case_and_loses_it_when_the_assignment_ends(
    api: Api,
) -> None:
    ids = walk(api, "disclosed")
    me = api.user(*CW)
    assigned = ok(
        api.post(
            f"/cases/{ids['case']}/assignments",
            "inm",
            Role.INM_OFFICER,
            {"caseworker_id": me["id"], "reason": "asked for help at the assisted site"},
        ),
        201,
    )
    assert ok(api.get(f"/cases/{ids['case']}", *CW))["persons"][0]["name"].startswith("Marie")
    number = ids["case_body"]["persons"][0]["document_number"]
    found = ok(api.post("/cases/search", *CW, {"document_number": number}))
    assert [c["id"] for c in found] == [ids["case"]]
    ended = ok(
        api.post(
            f"/cases/{ids['case']}/assignments/{assigned['id']}/end",
            "inm",
            Role.INM_OFFICER,
            {"reason": "the person moved on"},
        )
    )
    assert ended["ended_at"] is not None
    assert api.get(f"/cases/{ids['case']}", *CW).status_code == 404
    history = ok(api.get(f"/cases/{ids['case']}/assignments", "inm", Role.INM_OFFICER))
    assert [(h["caseworker_id"], h["end_reason"]) for h in history] == [
        (me["id"], "the person moved on")
    ]
    events = [
        e["name"] for e in ok(api.get(f"/cases/{ids['case']}/timeline", "inm", Role.INM_OFFICER))
    ]
    assert "caseworker_assigned" in events and "caseworker_unassigned" in events


def test_an_agency_at_its_site_covers_its_caseworkers_and_no_other_agency(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    assign(api.platform, ids["case"], agency="UNHCR")  # the tests' caseworkers are UNHCR's
    assert api.get(f"/cases/{ids['case']}", *CW).status_code == 200
    refused = api.post(
        f"/cases/{ids['case']}/assignments",
        "inm",
        Role.INM_OFFICER,
        {"agency": "UNHCR", "site_id": "mx-chp-ciudad-hidalgo", "reason": "x"},
    )
    assert refused.status_code == 422
    assert "site_id" in refused.text


def test_who_may_assign(api: Api) -> None:
    ids = walk(api, "tvrh_issued", applicant="assigner")
    me = api.user(*CW)
    body = {"caseworker_id": me["id"], "reason": "I asked them for help"}
    # a caseworker cannot give themselves a case; the person can, for their own case
    assert api.post(f"/cases/{ids['case']}/assignments", *CW, body).status_code == 403
    other = walk(api, "registered", applicant="not-the-assigner")
    theirs = api.post(f"/cases/{other['case']}/assignments", "assigner", Role.APPLICANT, body)
    assert theirs.status_code == 404
    mine = api.post(f"/cases/{ids['case']}/assignments", "assigner", Role.APPLICANT, body)
    assert mine.status_code == 201, mine.text
    not_a_caseworker = api.user("assigner", Role.APPLICANT)["id"]
    wrong = api.post(
        f"/cases/{ids['case']}/assignments",
        "assigner",
        Role.APPLICANT,
        {"caseworker_id": not_a_caseworker, "reason": "x"},
    )
    assert wrong.status_code == 422 and "caseworker_id" in wrong.text


def test_a_caseworker_withdraws_consent_only_on_the_persons_instruction(api: Api) -> None:
    ids = walk(api, "disclosed")
    assign(api.platform, ids["case"], caseworker_id=api.user(*CW)["id"])
    path = f"/consents/{ids['consent']}/revocation"
    for body, field in (
        ({}, "on_instruction_of_person"),
        ({"on_instruction_of_person": False, "reason": "asked"}, "on_instruction_of_person"),
        ({"on_instruction_of_person": True}, "reason"),
    ):
        refused = api.post(path, *CW, body)
        assert refused.status_code == 422, refused.text
        assert field in refused.text
    status = ok(api.get(f"/cases/{ids['case']}/status", "inm", Role.INM_OFFICER))
    assert all(d["active"] for d in status["disclosures"])  # nothing was withdrawn
    body = {"on_instruction_of_person": True, "reason": "she asked in person on 3 May"}
    revoked = ok(api.post(path, *CW, body))
    assert revoked["revoked_at"] is not None
    events = ok(api.get(f"/cases/{ids['case']}/timeline", "inm", Role.INM_OFFICER))
    withdrawn = next(e for e in events if e["name"] == "consent_revoked")
    assert withdrawn["actor_role"] == "caseworker"
    assert withdrawn["data"]["on_instruction_of_person"] is True
    assert withdrawn["data"]["reason"] == "she asked in person on 3 May"
    logged = [
        e
        for e in every_audit_entry(api)
        if e["case_id"] == ids["case"] and e["action"] == "platform:consent:revoke"
    ]
    assert logged and logged[-1]["detail"]["reason"] == "she asked in person on 3 May"


def test_the_person_withdraws_their_own_consent_without_giving_a_reason(api: Api) -> None:
    ids = walk(api, "disclosed", applicant="own-consent")
    path = f"/consents/{ids['consent']}/revocation"
    assert ok(api.post(path, "own-consent", Role.APPLICANT, {}))["revoked_at"] is not None
