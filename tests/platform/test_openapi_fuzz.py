"""Schemathesis against the app's own OpenAPI schema: no generated request causes a 5xx.

Besides the schema's own values, a share of the calls carries a hostile value in place of one
path parameter or one body field: a lone surrogate, a NUL byte, a date-time without a time zone
(each was once a 500 somewhere). JSON's non-numbers cannot be sent by the fuzzer's client;
tests/platform/test_bad_input.py sends them to every route.

Each operation is called with a token of a role that holds its permission, so the generated
bodies reach validation and the use cases rather than stopping at 403. Bounded examples keep
the run short; it uses its own SQLite database.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corredor.api.security import Requires
from corredor.app import create_app
from corredor.kernel.domain.permissions import ROLE_PERMISSIONS, Role
from tests.platform.conftest import Api, Databases, build_platform
from tests.platform.test_routes import api_routes, declarations

EXAMPLES = 20
HOSTILE = ("\ud800", "a\x00b", "2026-12-01T10:00:00")


def url_can_carry(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def made_hostile(case: Any, value: str | None) -> None:
    """Put the hostile value in the first path parameter (if a URL can carry it: a lone
    surrogate cannot be percent-encoded), or else the first body field (if the body can carry
    it: a multipart upload cannot encode a lone surrogate either)."""
    if value is None:
        return
    if case.path_parameters and url_can_carry(value):
        first = next(iter(case.path_parameters))
        case.path_parameters[first] = value
    elif case.media_type == "multipart/form-data" and not url_can_carry(value):
        return
    elif isinstance(case.body, dict) and case.body:
        first = next(iter(case.body))
        case.body[first] = value


@pytest.fixture(scope="module")
def fuzz_target(databases: Databases) -> Any:
    platform = build_platform(databases.new("sqlite"))
    app = create_app(platform=platform)
    with TestClient(app) as client:
        api = Api(client=client, platform=platform)
        tokens = {role: api.headers(f"fuzz-{role}", role) for role in Role}
    roles: dict[tuple[str, str], Role] = {}
    for path, route in api_routes(app):
        (declared,) = declarations(route)
        if isinstance(declared, Requires):
            role = next(r for r in Role if declared.permission in ROLE_PERMISSIONS[r])
        else:
            role = Role.APPLICANT
        for method in route.methods:
            roles[(method, path)] = role
    return app, tokens, roles


def test_no_request_causes_a_server_error(fuzz_target: Any) -> None:
    app, tokens, roles = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    calls: list[int] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(
            case=operation.as_strategy(),
            hostile=st.one_of(st.none(), st.none(), st.sampled_from(HOSTILE)),
        )
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any, hostile: str | None) -> None:
            made_hostile(case, hostile)
            headers = (
                dict(case.headers or {})
                | tokens[roles[(case.operation.method.upper(), case.operation.path)]]
            )
            response = case.call(headers=headers)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.operation.method} {case.operation.path}: "
                    f"{response.status_code} {response.text[:300]}"
                )

        call()
    assert operations >= 30
    assert len(calls) >= operations * 5  # generation really ran
    assert any(code in (200, 201) for code in calls)
    assert failures == []
