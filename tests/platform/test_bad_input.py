"""Input no route can handle gets a 4xx naming the field, never a 500: JSON's non-numbers, lone
surrogates, NUL bytes, oversized bodies, on every route that takes a body."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from corredor.api.input_guard import MAX_BODY_BYTES, MAX_UPLOAD_BYTES, json_problems
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, household
from tests.platform.journey import ok


def post_raw(client: TestClient, path: str, body: str, **headers: str) -> Any:
    return client.post(
        path, content=body.encode("utf-8"), headers={"content-type": "application/json", **headers}
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_non_number_in_sign_in_is_a_422_naming_the_field(api: Api, constant: str) -> None:
    answer = post_raw(api.client, "/api/v1/auth/token", f'{{"username": {constant}}}')
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "username"]
    assert constant in problem["msg"]


def test_a_lone_surrogate_in_a_value_or_a_name_is_a_422_naming_where(api: Api) -> None:
    answer = post_raw(
        api.client,
        "/api/v1/auth/token",
        '{"username": "marie", "password": ["ok", "bad \\ud800"], "\\udfff": 1}',
    )
    assert answer.status_code == 422
    places = [problem["loc"] for problem in answer.json()["detail"]]
    assert ["body", "password", 1] in places
    assert any(loc[:1] == ["body"] and "\\udfff" in str(loc[-1]) for loc in places)


def test_a_nul_byte_in_a_path_id_is_not_found_on_either_database(api: Api) -> None:
    headers = api.headers("inm", Role.INM_OFFICER)
    answer = api.client.get("/api/v1/cases/%00", headers=headers)
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not Found"}


def test_a_nul_byte_in_a_query_value_is_a_422_naming_the_parameter(api: Api) -> None:
    headers = api.headers("inm", Role.INM_OFFICER)
    answer = api.client.get("/api/v1/cases", headers=headers, params={"state": "a\x00b"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "state"]


def test_a_nul_byte_in_a_form_field_is_a_422_naming_the_field(api: Api) -> None:
    answer = api.client.post("/sign-in", data={"username": "x\x00", "password": "p"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "username"]


def test_a_body_over_the_limit_is_refused_before_any_work(api: Api) -> None:
    body = '{"username": "' + "x" * MAX_BODY_BYTES + '"}'
    answer = post_raw(api.client, "/api/v1/auth/token", body)
    assert answer.status_code == 413


def test_an_upload_declaring_more_than_the_limit_is_refused_before_a_byte_is_read(
    api: Api,
) -> None:
    """The photo route would refuse it too, but only after the server had spooled it to disk."""
    case_id = ok(api.post("/cases", "inm", Role.INM_OFFICER, household()))["id"]
    headers = {
        **api.headers("inm", Role.INM_OFFICER),
        "content-type": "multipart/form-data; boundary=x",
        "content-length": str(MAX_UPLOAD_BYTES + 1),
    }
    answer = api.client.put(
        f"/api/v1/cases/{case_id}/persons/0/photo", headers=headers, content=b"--x--\r\n"
    )
    assert answer.status_code == 413
    assert str(MAX_UPLOAD_BYTES) in answer.json()["detail"]


def test_a_clean_body_reaches_the_route_unchanged(api: Api) -> None:
    user = api.user("someone", Role.APPLICANT)
    answer = post_raw(
        api.client,
        "/api/v1/auth/token",
        f'{{"username": "{user["username"]}", "password": "correct horse battery"}}',
    )
    assert answer.status_code == 200
    assert answer.json()["access_token"]


def body_routes(api: Api) -> list[tuple[str, str]]:
    schema = api.client.get("/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
        and "application/json" in operation["requestBody"].get("content", {})
    ]


def filled(path: str) -> str:
    return "/".join("x" if part.startswith("{") else part for part in path.split("/"))


def test_every_json_route_refuses_a_non_number_and_a_surrogate_with_a_422(api: Api) -> None:
    routes = body_routes(api)
    assert len(routes) >= 15
    headers = {"content-type": "application/json", "Idempotency-Key": "k"}
    answers = {}
    for method, path in routes:
        for body in ('{"any": NaN}', '{"any": "\\ud800"}'):
            sent = api.client.request(method, filled(path), content=body, headers=headers)
            answers[(method, path, body)] = sent.status_code
    assert {route: status for route, status in answers.items() if status != 422} == {}


def test_the_walk_finds_every_problem_and_passes_clean_json() -> None:
    assert json_problems(b'{"a": [1, 2.5, "text", {"b": null}]}') == []
    assert json_problems(b"not json") == []  # FastAPI's own 422 says so
    assert json_problems(b'{"a": {"b": [0, NaN]}}')[0][0] == ["body", "a", "b", 1]
    assert json_problems(b'{"a": "x\\u0000"}')[0] == (
        ["body", "a"],
        "must not contain a NUL character",
    )
    assert json_problems(b'{"a": "\xff"}') == [(["body"], "must be UTF-8 encoded JSON")]


def test_a_window_closing_time_without_a_time_zone_is_a_422_naming_the_field(api: Api) -> None:
    window = {
        "site_ids": ["mx-cmx-assisted-site"],
        "first_day": "2026-12-10",
        "last_day": "2026-12-11",
        "closes_at": "2026-12-05T10:00:00",
    }
    answer = api.post("/allocation/windows", "inm-allocation", Role.INM_OFFICER, window)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "closes_at"]
