"""A token is only as good as its account now: unknown accounts, signed-out sessions and disabled
accounts are refused at once; production refuses the published development secrets."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.config import DEV_TOKEN_SECRET, DevelopmentSecretsInProduction, Settings
from corredor.kernel.domain.permissions import Role
from corredor.platform import Platform
from tests.platform.conftest import PASSWORD, Api
from tests.platform.journey import ok
from tests.web.signed_in import csrf_of


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_well_signed_token_for_an_account_that_does_not_exist_is_refused(api: Api) -> None:
    now = api.platform.now()
    forged = jwt.encode(
        {
            "sub": str(uuid.uuid4()),
            "name": "nobody",
            "role": "inm_officer",
            "agency": "INM",
            "ver": 0,
            "iat": now,
            "exp": now + timedelta(minutes=5),
        },
        DEV_TOKEN_SECRET,
        algorithm="HS256",
    )
    answer = api.client.get("/api/v1/cases", headers=bearer(forged))
    assert answer.status_code == 401


def test_signing_out_ends_the_token_at_once(api: Api) -> None:
    user = api.user("leaving", Role.INM_OFFICER)
    assert api.client.get("/api/v1/me", headers=bearer(user["token"])).status_code == 200
    assert (
        api.client.post("/api/v1/auth/sign-out", headers=bearer(user["token"])).status_code == 204
    )
    assert api.client.get("/api/v1/me", headers=bearer(user["token"])).status_code == 401
    again = api.client.post(
        "/api/v1/auth/token", json={"username": user["username"], "password": PASSWORD}
    )
    assert again.status_code == 200  # signing in again works, with a new token
    fresh = again.json()["access_token"]
    assert api.client.get("/api/v1/me", headers=bearer(fresh)).status_code == 200


def test_signing_out_of_the_pages_ends_the_session_cookie(session_platform: Platform) -> None:
    with TestClient(create_app(platform=session_platform), base_url="https://testserver") as web:
        api = Api(client=web, platform=session_platform)
        user = api.user("page-leaver", Role.CASEWORKER)
        form = web.get("/sign-in")
        signed = web.post(
            "/sign-in",
            data={
                "csrf_token": csrf_of(form.text),
                "username": user["username"],
                "password": PASSWORD,
            },
            follow_redirects=False,
        )
        assert signed.status_code == 303
        cookie = web.cookies.get("corredor_session")
        assert cookie
        assert web.get("/account", follow_redirects=False).status_code == 200
        page = web.get("/account")
        web.post("/sign-out", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
        web.cookies.set("corredor_session", cookie, domain="testserver")  # a copy kept by a thief
        assert web.get("/account", follow_redirects=False).status_code == 303


def test_an_administrator_disables_an_account_and_its_tokens_end(api: Api) -> None:
    user = api.user("misused", Role.CASEWORKER)
    admin = api.headers("admin", Role.ADMIN)
    disabled = ok(api.client.post(f"/api/v1/users/{user['id']}/disable", headers=admin))
    assert disabled["active"] is False
    assert api.client.get("/api/v1/me", headers=bearer(user["token"])).status_code == 401
    refused = api.client.post(
        "/api/v1/auth/token", json={"username": user["username"], "password": PASSWORD}
    )
    assert refused.status_code == 401
    assert ok(api.client.post(f"/api/v1/users/{user['id']}/enable", headers=admin))["active"]
    again = api.client.post(
        "/api/v1/auth/token", json={"username": user["username"], "password": PASSWORD}
    )
    assert again.status_code == 200
    actions = [e["action"] for e in ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))]
    assert "platform:user:disable" in actions and "platform:user:enable" in actions
    caseworker = api.headers("caseworker", Role.CASEWORKER)
    assert (
        api.client.post(f"/api/v1/users/{user['id']}/disable", headers=caseworker).status_code
        == 403
    )


def test_an_administrator_cannot_lock_themselves_out(api: Api) -> None:
    admin = api.user("lone-admin", Role.ADMIN)
    answer = api.client.post(f"/api/v1/users/{admin['id']}/disable", headers=bearer(admin["token"]))
    assert answer.status_code == 409


def test_production_refuses_every_development_secret() -> None:
    with pytest.raises(DevelopmentSecretsInProduction) as refused:
        Platform.build(Settings(environment="production"))
    for name in ("CORREDOR_TOKEN_SECRET", "CORREDOR_AUDIT_KEY", "CORREDOR_DATABASE_URL"):
        assert name in str(refused.value)
    answer = CliRunner().invoke(cli, ["serve"], env={"CORREDOR_ENVIRONMENT": "production"})
    assert answer.exit_code == 2
    assert "refusing to start" in answer.output and "Traceback" not in answer.output
