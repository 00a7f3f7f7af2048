"""Bad input names the field (422), unknown ids are 404, wrong state is 409; retries are safe."""

from __future__ import annotations

import uuid

from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, household
from tests.platform.journey import ok, walk


def fields_of(answer: object) -> list[str]:
    detail = answer.json()["detail"]  # type: ignore[attr-defined]
    return [str(item["loc"][-1]) for item in detail]


def test_bad_input_names_the_field(api: Api) -> None:
    body = household()
    body["principal"]["nationality"] = "Haiti"
    answer = api.post("/cases", "inm", Role.INM_OFFICER, body)
    assert answer.status_code == 422
    assert "nationality" in fields_of(answer)


def test_an_unknown_border_point_or_ground_names_the_field(api: Api) -> None:
    answer = api.post("/cases", "inm", Role.INM_OFFICER, household(border_point_id="mx-bc-tijuana"))
    assert answer.status_code == 422
    assert fields_of(answer) == ["border_point_id"]
    answer = api.post("/cases", "inm", Role.INM_OFFICER, household(ground="tvrh.ground.tourism"))
    assert fields_of(answer) == ["ground"]
    assert "tvrh.ground.asylum-seeker" in answer.text


def test_a_missing_idempotency_key_is_named(api: Api) -> None:
    answer = api.client.post(
        "/api/v1/cases", headers=api.headers("inm", Role.INM_OFFICER), json=household()
    )
    assert answer.status_code == 422
    assert "Idempotency-Key" in fields_of(answer)


def test_unknown_ids_are_404(api: Api) -> None:
    missing = str(uuid.uuid4())
    assert api.get(f"/cases/{missing}", "inm", Role.INM_OFFICER).status_code == 404
    assert api.post(f"/cases/{missing}/tvrh", "inm", Role.INM_OFFICER).status_code == 404
    assert api.get(f"/disclosures/{missing}/data", "cbp", Role.CBP_OFFICER).status_code == 404


def test_wrong_state_is_409_with_the_allowed_transitions(api: Api) -> None:
    ids = walk(api, "registered")
    answer = api.post(
        f"/cases/{ids['case']}/admission", "cbp", Role.CBP_OFFICER, {"port_id": "us-fl-mia"}
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["state"] == "registered"
    assert body["allowed_transitions"] == ["add_member", "issue_tvrh", "refuse_tvrh", "withdraw"]


def test_parole_cannot_be_requested_without_a_disclosure(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    answer = api.post(
        f"/cases/{ids['case']}/parole-application", "applicant", Role.APPLICANT, {"channel": "app"}
    )
    assert answer.status_code == 409
    assert "disclosure to CBP" in answer.json()["detail"]


def test_a_retried_create_creates_one_case(api: Api) -> None:
    body = household()
    first = api.post("/cases", "inm", Role.INM_OFFICER, body, key="retry-1")
    again = api.post("/cases", "inm", Role.INM_OFFICER, body, key="retry-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    search = {"document_number": body["principal"]["document_number"]}
    found = ok(api.post("/cases/search", "inm", Role.INM_OFFICER, search))
    assert [c["id"] for c in found] == [first.json()["id"]]


def test_a_retried_submit_acts_once(api: Api) -> None:
    ids = walk(api, "registered")
    first = api.post(f"/cases/{ids['case']}/tvrh", "inm", Role.INM_OFFICER, key="tvrh-1")
    again = api.post(f"/cases/{ids['case']}/tvrh", "inm", Role.INM_OFFICER, key="tvrh-1")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    status = ok(api.get(f"/cases/{ids['case']}/status", "inm", Role.INM_OFFICER))
    assert [g["kind"] for g in status["grants"]] == ["tvrh"]


def test_a_key_reused_for_another_request_is_refused(api: Api) -> None:
    api.post("/cases", "inm", Role.INM_OFFICER, household(), key="reuse-1")
    answer = api.post("/cases", "inm", Role.INM_OFFICER, household(), key="reuse-1")
    assert answer.status_code == 422
    assert fields_of(answer) == ["Idempotency-Key"]


def test_the_same_person_cannot_have_two_open_cases(api: Api) -> None:
    body = household()
    ok(api.post("/cases", "inm", Role.INM_OFFICER, body))
    again = api.post("/cases", "inm", Role.INM_OFFICER, body)
    assert again.status_code == 409


def test_a_bad_password_is_401_and_an_expired_token_too(api: Api) -> None:
    user = api.user("pw", Role.AUDITOR)
    answer = api.client.post(
        "/api/v1/auth/token", json={"username": user["username"], "password": "wrong"}
    )
    assert answer.status_code == 401
    forged = api.client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401


def test_no_document_number_travels_in_a_url(api: Api) -> None:
    """A search by document number is a POST: the number is in no URL or access log line."""
    schema = api.client.get("/openapi.json").json()
    parameters = [
        p["name"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for p in operation.get("parameters", [])
    ]
    assert not {"document_number", "document"} & set(parameters)
