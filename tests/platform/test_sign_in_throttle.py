"""Guessing passwords is slowed down: after 5 wrong passwords for an account, even the right one
waits (429 with Retry-After) before any hash is computed; failures are audited without the name
typed in clear; the count is shared through Redis when configured."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.kernel.domain.permissions import Role
from corredor.kernel.throttle import FailureThrottle
from tests.platform.conftest import PASSWORD, Api
from tests.platform.journey import ok
from tests.web.signed_in import csrf_of

REDIS = "redis://127.0.0.1:6379/0"


def sign_in(api: Api, username: str, password: str) -> tuple[int, dict[str, str]]:
    answer = api.client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )
    return answer.status_code, dict(answer.headers)


def test_the_right_password_waits_after_five_wrong_ones(api: Api) -> None:
    user = api.user("guessed", Role.CASEWORKER)
    wrong = [sign_in(api, user["username"], f"guess-{n}")[0] for n in range(5)]
    assert wrong == [401] * 5
    status, headers = sign_in(api, user["username"], PASSWORD)
    assert status == 429
    assert 1 <= int(headers["retry-after"]) <= 60
    other = api.user("neighbour", Role.CASEWORKER)  # another account is not held up
    assert sign_in(api, other["username"], PASSWORD)[0] == 200


def test_failed_sign_ins_are_audited_without_the_name_in_clear(api: Api) -> None:
    typed = f"maybe-a-password-{uuid.uuid4().hex[:6]}"
    assert sign_in(api, typed, "x")[0] == 401
    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    failed = [e for e in entries if e["action"] == "platform:session:sign_in_failed"]
    assert failed
    assert typed not in str(entries)
    assert failed[-1]["detail"]["username_hash"] == api.platform.lookup.digest(typed)


def test_the_sign_in_page_says_how_long_to_wait(api: Api) -> None:
    user = api.user("page-guessed", Role.CASEWORKER)
    for n in range(5):
        sign_in(api, user["username"], f"guess-{n}")
    with TestClient(create_app(platform=api.platform), base_url="https://testserver") as web:
        form = web.get("/sign-in", params={"lang": "en"})
        answer = web.post(
            "/sign-in",
            data={
                "csrf_token": csrf_of(form.text),
                "username": user["username"],
                "password": PASSWORD,
            },
        )
    assert answer.status_code == 429
    assert "Too many attempts to sign in. Wait" in answer.text, answer.text


def test_two_instances_share_the_count_through_redis() -> None:
    account = {"account": f"shared-{uuid.uuid4().hex}"}
    first, second = (
        FailureThrottle({"account": "3/minute"}, REDIS),
        FailureThrottle({"account": "3/minute"}, REDIS),
    )
    first.failed(account)
    second.failed(account)
    assert first.wait(account) == 0
    first.failed(account)
    assert second.wait(account) >= 1  # the third failure, counted by the other instance
