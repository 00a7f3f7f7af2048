"""An administrator changes an account's role through the API: audited, the account's tokens
end at once, and a role that needs an agency gets one (422 naming the field otherwise)."""

from __future__ import annotations

import uuid

from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api
from tests.platform.journey import ok


def test_a_role_change_is_audited_and_ends_the_accounts_tokens(api: Api) -> None:
    gate = api.user("gate", Role.AIRLINE_AGENT)
    assert api.get("/me", "gate", Role.AIRLINE_AGENT).status_code == 200
    changed = ok(api.post(f"/users/{gate['id']}/role", "admin", Role.ADMIN, {"role": "employer"}))
    assert (changed["role"], changed["agency"]) == ("employer", None)
    assert api.get("/me", "gate", Role.AIRLINE_AGENT).status_code == 401  # the old token ended
    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    assert {
        "user_id": gate["id"],
        "from": "airline_agent",
        "to": "employer",
        "agency": None,
    } in [e["detail"] for e in entries if e["action"] == "platform:user:role_change"]


def test_a_role_change_names_what_is_wrong(api: Api) -> None:
    target = api.user("to-promote", Role.APPLICANT)["id"]
    url = f"/users/{target}/role"
    no_agency = api.post(url, "admin", Role.ADMIN, {"role": "cbp_officer"})
    assert no_agency.status_code == 422
    assert "agency" in no_agency.text
    unknown = api.post(url, "admin", Role.ADMIN, {"role": "pilot"})
    assert unknown.status_code == 422
    assert "role" in unknown.text
    assert (
        api.post(
            f"/users/{uuid.uuid4()}/role", "admin", Role.ADMIN, {"role": "employer"}
        ).status_code
        == 404
    )
    me = api.user("admin", Role.ADMIN)["id"]
    assert (
        api.post(f"/users/{me}/role", "admin", Role.ADMIN, {"role": "auditor"}).status_code == 409
    )
    promoted = api.post(url, "admin", Role.ADMIN, {"role": "cbp_officer", "agency": "CBP"})
    assert ok(promoted)["agency"] == "CBP"
