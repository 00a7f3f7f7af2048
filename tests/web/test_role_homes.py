"""Every role has a home: the sign-in lands each checking, auditing and administering role on
its page, each page behind its permission, each calling the same use case as the API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from corredor.app import create_app
from corredor.documents.credentials import render
from corredor.kernel.domain.permissions import Role
from corredor.kernel.tables import AuditEntry
from corredor.platform import Platform
from tests.platform.conftest import PASSWORD, Api
from tests.platform.journey import ok, walk
from tests.web.signed_in import Visitor, csrf_of, error_links, make_account

PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "portrait.jpg"
HOMES = {
    Role.AIRLINE_AGENT: "/staff/check/travel",
    Role.EMPLOYER: "/staff/check/work",
    Role.AUDITOR: "/staff/audit",
    Role.ADMIN: "/staff/accounts",
}


@pytest.fixture
def platform(session_platform: Platform) -> Iterator[Platform]:
    session_platform.today = date.today
    yield session_platform
    session_platform.today = date.today


def browser(platform: Platform) -> TestClient:
    return TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    )


def visitor(platform: Platform, role: Role) -> Visitor:
    return Visitor(browser(platform)).sign_in(platform, role)


def documents_of(
    platform: Platform, until: str, applicant: str, photo: bytes | None = None
) -> list[dict[str, Any]]:
    with browser(platform) as client:
        api = Api(client=client, platform=platform)
        ids = walk(api, until, applicant=applicant, photo=photo)
        found: list[dict[str, Any]] = ok(
            api.get(f"/cases/{ids['case']}/documents", "inm", Role.INM_OFFICER)
        )
    return found


def one(documents: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(d for d in documents if d["type"] == kind and d["holder_name"].startswith("Marie"))


@pytest.mark.parametrize(("role", "home"), [*HOMES.items(), (Role.APPLICANT, "/account")])
def test_signing_in_lands_on_the_roles_home(platform: Platform, role: Role, home: str) -> None:
    person = Visitor(browser(platform))
    username, _ = make_account(platform, role)
    form = person.get("/sign-in")
    answer = person.client.post(
        "/sign-in",
        data={"csrf_token": csrf_of(form.text), "username": username, "password": PASSWORD},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == home
    if role in HOMES:
        page = person.get(home, lang="en")
        assert page.status_code == 200
        assert f'href="{home}" aria-current="page"' in page.text  # the menu leads there too


@pytest.mark.parametrize(("owner", "home"), HOMES.items())
def test_each_home_is_refused_to_the_other_roles(
    platform: Platform, owner: Role, home: str
) -> None:
    assert browser(platform).get(home).status_code == 303  # not signed in: to the sign-in page
    for role in (Role.APPLICANT, Role.INM_OFFICER, *HOMES):
        if role is owner or (role is Role.INM_OFFICER and owner is Role.AIRLINE_AGENT):
            continue  # INM officers check travel documents inside Mexico too
        assert visitor(platform, role).get(home).status_code == 403, (role, home)


def check(person: Visitor, home: str, **data: Any) -> Any:
    return person.submit(home, home, {"on": "", **data})


def test_an_airline_agent_checks_a_travel_authorization(platform: Platform) -> None:
    issued = documents_of(platform, "parole_granted", "boarding", photo=PORTRAIT.read_bytes())
    travel, tvrh = one(issued, "travel"), one(issued, "tvrh")
    agent = visitor(platform, Role.AIRLINE_AGENT)
    home = HOMES[Role.AIRLINE_AGENT]
    agent.get(home, lang="en")
    yes = check(agent, home, code=travel["credential"], port="us-fl-mia")
    assert yes.status_code == 200
    assert "Yes: this person may travel" in yes.text
    assert "Marie-Claude Joseph" in yes.text
    # an airline sees the photo INM took, to compare with the passenger
    assert 'class="holder__photo" src="data:image/webp;base64,' in yes.text
    assert "Compare the photo and the name with the person in front of you" in yes.text
    elsewhere = check(agent, home, code=travel["credential"], port="us-tx-hidalgo")
    assert "The travel authorization is for another port or airport." in elsewhere.text
    assert "Marie-Claude Joseph" not in elsewhere.text  # a no names nobody
    mexican = check(agent, home, code=tvrh["credential"])
    assert "it is valid in Mexico only" in mexican.text
    photo = agent.client.post(
        home,
        data={"csrf_token": csrf_of(agent.get(home).text), "code": "", "on": ""},
        files={"image": ("qr.png", render.qr_png(travel["credential"]), "image/png")},
    )
    assert "Yes: this person may travel" in photo.text
    late = check(agent, home, code=travel["credential"], on="2099-01-01")
    assert "The document has expired on that day." in late.text
    with platform.db.transaction() as s:
        checks = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "platform:document:verify_travel")
        ).all()
    assert {
        "document": travel["number"],
        "via": "credential",
        "valid": True,
        "name_shown": True,
        "photo_shown": True,
    } in checks


def test_the_check_names_the_field_to_fix(platform: Platform) -> None:
    agent = visitor(platform, Role.AIRLINE_AGENT)
    home = HOMES[Role.AIRLINE_AGENT]
    agent.get(home, lang="en")
    empty = check(agent, home, code="")
    assert empty.status_code == 400
    assert error_links(empty.text) == ["code"]
    bad = check(agent, home, code="eyJ", on="24/12/2026", port="nowhere")
    assert bad.status_code == 400
    assert set(error_links(bad.text)) == {"on", "port"}
    assert "Enter the day as a date" in bad.text


def test_an_employer_checks_a_work_authorization(platform: Platform) -> None:
    issued = documents_of(platform, "work_authorized", "hired")
    work, travel = one(issued, "work"), one(issued, "travel")
    employer = visitor(platform, Role.EMPLOYER)
    home = HOMES[Role.EMPLOYER]
    employer.get(home, lang="en")
    yes = check(employer, home, code=work["credential"])
    assert "Yes: this person may work" in yes.text
    assert "Marie-Claude Joseph" in yes.text
    assert "holder__photo" not in yes.text  # an employer learns the name, not the face
    assert "Valid until" in yes.text
    assert 'name="port"' not in yes.text  # a work check asks no port
    refused = check(employer, home, code=travel["credential"])
    assert "it does not answer this" in refused.text
    spanish = employer.get(home, lang="es")
    assert "Verificar una autorización de trabajo" in spanish.text


def test_an_auditor_filters_the_log_and_sees_the_chain_verified(platform: Platform) -> None:
    issued = documents_of(platform, "tvrh_issued", "audited")
    case = issued[0]["case_id"]
    auditor = visitor(platform, Role.AUDITOR)
    page = auditor.get("/staff/audit", lang="en")
    assert page.status_code == 200
    assert "Intact" in page.text
    assert "Marie" not in page.text  # the entries carry no personal data
    mine = auditor.get("/staff/audit", case=case[:8], action="issue_tvrh")
    assert mine.status_code == 200
    assert mine.text.count("<code>platform:case:issue_tvrh</code>") == 1
    assert case[:8].upper() in mine.text
    none = auditor.get("/staff/audit", case=case[:8], actor_role="employer")
    assert "No entry matches." in none.text
    today = date.today().isoformat()
    dated = auditor.get("/staff/audit", since=today, until=today, case=case[:8])
    assert "<code>platform:case:register</code>" in dated.text
    bad = auditor.get("/staff/audit", since="yesterday", until=today, case="ab")
    assert bad.status_code == 400
    assert set(error_links(bad.text)) == {"since", "case"}
    backwards = auditor.get("/staff/audit", since=today, until="2000-01-01")
    assert error_links(backwards.text) == ["until"]


def test_an_administrator_creates_disables_and_changes_a_role(platform: Platform) -> None:
    admin = visitor(platform, Role.ADMIN)
    home = HOMES[Role.ADMIN]
    admin.get(home, lang="en")
    wrong = admin.submit(home, home, {"username": "X", "password": "short", "role": "pilot"})
    assert wrong.status_code == 400
    assert set(error_links(wrong.text)) == {"username", "password", "role"}
    agencyless = admin.submit(
        home, home, {"username": "cbp.nogo", "password": "a long password", "role": "cbp_officer"}
    )
    assert error_links(agencyless.text) == ["agency"]
    name = f"gate.{make_account(platform, Role.APPLICANT)[1][:6]}"
    made = admin.submit(
        home, home, {"username": name, "password": "a long password", "role": "airline_agent"}
    )
    assert made.status_code == 303, made.text
    listed = admin.get(home)
    assert name in listed.text
    assert "The account was created." in admin.get(made.headers["location"]).text
    taken = admin.submit(
        home, home, {"username": name, "password": "a long password", "role": "employer"}
    )
    assert error_links(taken.text) == ["username"]

    user_id = listed.text.split(f'">{name}</a>')[0].rsplit("/staff/accounts/", 1)[1]
    page = f"/staff/accounts/{user_id}"
    gate = Visitor(browser(platform))
    form = gate.get("/sign-in")
    signed = gate.client.post(
        "/sign-in",
        data={"csrf_token": csrf_of(form.text), "username": name, "password": "a long password"},
    )
    assert signed.headers["location"] == HOMES[Role.AIRLINE_AGENT]
    assert gate.get(HOMES[Role.AIRLINE_AGENT]).status_code == 200

    unconfirmed = admin.submit(page, f"{page}/role", {"role": "employer", "agency": ""})
    assert unconfirmed.status_code == 400
    assert error_links(unconfirmed.text) == ["confirm-role"]
    changed = admin.submit(
        page, f"{page}/role", {"role": "employer", "agency": "", "confirm": "yes"}
    )
    assert changed.status_code == 303
    # the old session ends at once: the person signs in again with the new role
    assert gate.get(HOMES[Role.AIRLINE_AGENT]).status_code == 303
    assert "Employer" in admin.get(page).text

    disabled = admin.submit(page, f"{page}/active", {"active": "0", "confirm": "yes"})
    assert disabled.status_code == 303
    assert "Disabled" in admin.get(page).text
    enabled = admin.submit(page, f"{page}/active", {"active": "1", "confirm": "yes"})
    assert enabled.status_code == 303
    with platform.db.transaction() as s:
        tags = s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.detail["user_id"].as_string() == user_id)
            .order_by(AuditEntry.seq)
        ).all()
    assert tags == [
        "platform:user:create",
        "platform:user:role_change",
        "platform:user:disable",
        "platform:user:enable",
    ]
    yourself = f"/staff/accounts/{admin.user_id}"
    refused = admin.submit(yourself, f"{yourself}/active", {"active": "0", "confirm": "yes"})
    assert refused.status_code == 400
    assert error_links(refused.text) == ["confirm-active"]
