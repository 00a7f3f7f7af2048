"""Every route declares who may call it, and each role is refused what it may not do."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from corredor.api.security import Public, Requires, SignedIn
from corredor.kernel.domain.permissions import ROLE_PERMISSIONS, Permission, Role
from corredor.web.session import PageRequires, PageSignedIn
from tests.allocation.booking_helpers import SITE, open_window
from tests.case_kit import assign, household_case, household_of
from tests.platform.conftest import Api
from tests.platform.journey import ok, walk

PUBLIC_ROUTES = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/health/live"),
    ("GET", "/api/v1/health/ready"),
    # Fair capacity: what is published (capacity, windows and their seed commitments, results).
    ("GET", "/api/v1/allocation/capacity"),
    ("GET", "/api/v1/allocation/windows"),
    ("GET", "/api/v1/allocation/windows/{window_id}"),
    ("GET", "/api/v1/allocation/runs/{run_id}/results"),
    # Signed documents: what offline verifiers download (public keys, signed status lists).
    ("GET", "/api/v1/credentials/keys"),
    ("GET", "/api/v1/credentials/status"),
    ("GET", "/api/v1/credentials/status/{issuer}"),
    # Shelters: where there is room, for the people who need it.
    ("GET", "/api/v1/shelters"),
    # The monitoring portal's open data (seed 002): every cell protected, nothing personal.
    ("GET", "/api/v1/stats"),
    ("GET", "/api/v1/stats/files/{name}"),
}
PATH_IDS = (
    "case_id",
    "person_id",
    "consent_id",
    "disclosure_id",
    "window_id",
    "request_id",
    "run_id",
    "document_id",
    "shelter_id",
    "assignment_id",
)
PUBLIC_PAGES = {
    "/",
    "/static/{name}",
    "/screener/",
    "/sign-in",
    "/sign-out",
    # anyone may check a document and read the published allocation results
    "/verify",
    "/allocation/results",
    "/allocation/results/{run_id}",
    # the published criteria of every pathway (seed 000)
    "/policies",
    "/policies/{pathway}",
    # operators' metrics: counts and timings, nothing personal (restricted at the proxy if wanted)
    "/metrics",
    # the public monitoring portal
    "/data",
}


def declarations(route: APIRoute) -> list[object]:
    found = []
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, Requires | SignedIn | Public | PageRequires | PageSignedIn):
            found.append(dependency.call)
        stack.extend(dependency.dependencies)
    return found


def api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every API route of the app with its full path, including routes of included routers."""
    return [
        (context.path, context.route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.route, APIRoute) and context.path.startswith("/api/v1")
    ]


def test_every_route_declares_exactly_one_permission(api: Api) -> None:
    routes = api_routes(api.client.app)  # type: ignore[arg-type]
    assert len(routes) >= 25
    for path, route in routes:
        declared = declarations(route)
        assert len(declared) == 1, f"{route.methods} {path} declares {declared}"
        for method in route.methods:
            if isinstance(declared[0], Public):
                assert (method, path) in PUBLIC_ROUTES, f"{path} is public"


def test_every_page_declares_who_may_see_it(api: Api) -> None:
    pages = [
        (context.path, context.route)
        for context in iter_route_contexts(api.client.app.routes)  # type: ignore[attr-defined]
        if isinstance(context.route, APIRoute) and not context.path.startswith("/api/")
    ]
    assert len(pages) >= 25
    for path, route in pages:
        declared = declarations(route)
        assert len(declared) == 1, f"{route.methods} {path} declares {declared}"
        if isinstance(declared[0], Public):
            assert path in PUBLIC_PAGES or path.startswith("/screener/"), f"{path} is public"
        else:  # signed-in pages use the session cookie, never the API's bearer token
            assert isinstance(declared[0], PageRequires | PageSignedIn), path


def permission_routes(app: FastAPI) -> list[tuple[str, str, Permission]]:
    found = []
    for path, route in api_routes(app):
        (declared,) = declarations(route)
        if isinstance(declared, Requires):
            for method in route.methods:
                found.append((method, path, declared.permission))
    return found


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_what_it_may_not_do(api: Api, role: Role) -> None:
    """Unknown ids and empty bodies: a refused role gets 403 before anything else is looked at."""
    checked = 0
    for method, path, permission in permission_routes(api.client.app):  # type: ignore[arg-type]
        url = path.replace("/api/v1", "")
        for name in PATH_IDS:
            url = url.replace("{" + name + "}", str(uuid.uuid4()))
        if method == "GET":
            answer = api.get(url, f"matrix-{role}", role)
        elif method == "POST":
            answer = api.post(url, f"matrix-{role}", role, json={})
        else:  # PUT: the holder's photo, an upload
            headers = api.headers(f"matrix-{role}", role)
            answer = api.client.request(method, f"/api/v1{url}", headers=headers, data={})
        allowed = permission in ROLE_PERMISSIONS[role]
        if allowed:
            assert answer.status_code != 403, f"{role} {method} {path}: {answer.text}"
        else:
            assert answer.status_code == 403, f"{role} {method} {path}: {answer.status_code}"
        assert answer.status_code < 500
        checked += 1
    assert checked >= 25


def test_without_a_token_every_protected_route_says_401(api: Api) -> None:
    for method, path, _ in permission_routes(api.client.app):  # type: ignore[arg-type]
        url = path
        for name in PATH_IDS:
            url = url.replace("{" + name + "}", "x")
        answer = api.client.request(method, url, json={})
        assert answer.status_code == 401, (method, path)


def test_an_applicant_sees_only_their_own_case(api: Api) -> None:
    mine = walk(api, "tvrh_issued", applicant="alice")
    theirs = walk(api, "tvrh_issued", applicant="bob")
    assert ok(api.get(f"/cases/{mine['case']}", "alice", Role.APPLICANT))["id"] == mine["case"]
    for path in ("", "/status", "/timeline"):
        assert api.get(f"/cases/{theirs['case']}{path}", "alice", Role.APPLICANT).status_code == 404
    listed = ok(api.get("/cases", "alice", Role.APPLICANT))
    assert [c["id"] for c in listed] == [mine["case"]]
    refused = api.post(f"/cases/{theirs['case']}/withdrawal", "alice", Role.APPLICANT, {})
    assert refused.status_code == 404


def test_a_caseworker_sees_only_the_cases_assigned_to_them(api: Api) -> None:
    assigned = walk(api, "tvrh_issued", applicant="helped")
    other = walk(api, "tvrh_issued", applicant="not-helped")
    worker = api.user("matrix-caseworker", Role.CASEWORKER)
    assign(api.platform, assigned["case"], caseworker_id=worker["id"])
    me = ("matrix-caseworker", Role.CASEWORKER)
    assert ok(api.get(f"/cases/{assigned['case']}", *me))["id"] == assigned["case"]
    for path in ("", "/status", "/timeline", "/consents", "/documents", "/assignments"):
        assert api.get(f"/cases/{other['case']}{path}", *me).status_code == 404, path
    listed = {c["id"] for c in ok(api.get("/cases", *me, limit=200))}
    assert assigned["case"] in listed and other["case"] not in listed
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    assert declared[("POST", "/api/v1/cases/{case_id}/assignments")] is Permission.CASE_ASSIGN
    holders = {r for r, held in ROLE_PERMISSIONS.items() if Permission.CASE_ASSIGN in held}
    assert holders == {Role.APPLICANT, Role.INM_OFFICER}  # the person, or INM; never oneself


def test_the_lottery_takes_only_persons_of_a_case_the_caller_may_ask_for(api: Api) -> None:
    window = open_window(api, seats=[2])
    me = ("matrix-lottery", Role.CASEWORKER)
    mine = household_of(api.platform, api.user(*me)["id"], Role.CASEWORKER, 2)
    theirs = household_case(api.platform, consent=True)

    def ask(case: str, people: list[str]) -> int:
        body = {"window_id": window.id, "site_id": SITE, "case_id": case, "people": people}
        return int(api.post("/allocation/requests", *me, body).status_code)

    assert ask(theirs.case_id, theirs.people) == 422  # not assigned to them
    assert ask(mine.case_id, theirs.people) == 422  # someone else's person in their case
    assert ask(mine.case_id, mine.people) == 201


def test_cbp_and_shelters_never_see_personal_data_on_the_case(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    for name, role in (("cbp", Role.CBP_OFFICER), ("shelter", Role.SHELTER_STAFF)):
        assert api.get(f"/cases/{ids['case']}", name, role).status_code == 403
        status = ok(api.get(f"/cases/{ids['case']}/status", name, role))
        assert "persons" not in status
        assert "Marie" not in str(status)


def test_the_workflow_and_the_routes_agree_on_permissions(api: Api) -> None:
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    assert declared[("POST", "/api/v1/cases/{case_id}/tvrh")] is Permission.TVRH_ISSUE
    assert declared[("POST", "/api/v1/cases/{case_id}/parole-decision")] is Permission.PAROLE_DECIDE
    assert declared[("POST", "/api/v1/cases/{case_id}/admission")] is Permission.ADMISSION_RECORD
    assert (
        declared[("GET", "/api/v1/disclosures/{disclosure_id}/data")] is Permission.DISCLOSURE_READ
    )


def test_the_allocation_routes_declare_their_permissions(api: Api) -> None:
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    base, P = "/api/v1/allocation", Permission
    expected = {
        ("POST", f"{base}/capacity"): Permission.CAPACITY_UPDATE,
        ("POST", f"{base}/windows"): Permission.ALLOCATION_WINDOW,
        ("POST", f"{base}/windows/{{window_id}}/run"): Permission.ALLOCATION_RUN,
        ("POST", f"{base}/windows/{{window_id}}/early-close"): Permission.ALLOCATION_RUN,
        ("POST", f"{base}/windows/{{window_id}}/early-close/confirmation"): P.ALLOCATION_RUN,
        ("POST", f"{base}/windows/{{window_id}}/seed-reveal"): Permission.ALLOCATION_RUN,
        ("POST", f"{base}/requests"): Permission.ALLOCATION_REQUEST,
        ("GET", f"{base}/requests/{{request_id}}/position"): P.ALLOCATION_READ_OWN_POSITION,
        ("POST", f"{base}/requests/{{request_id}}/confirmation"): Permission.BOOKING_CONFIRM,
        ("POST", f"{base}/requests/{{request_id}}/cancellation"): Permission.BOOKING_CANCEL,
        ("POST", f"{base}/requests/{{request_id}}/reschedule"): Permission.BOOKING_RESCHEDULE,
        ("POST", f"{base}/requests/{{request_id}}/no-show"): Permission.BOOKING_NO_SHOW,
        ("POST", f"{base}/requests/{{request_id}}/check-in"): Permission.BOOKING_CHECK_IN,
    }
    assert {route: declared.get(route) for route in expected} == expected
    # Who runs appointments and who asks for them.
    assert Permission.ALLOCATION_RUN in ROLE_PERMISSIONS[Role.INM_OFFICER]
    assert Permission.ALLOCATION_RUN in ROLE_PERMISSIONS[Role.CBP_OFFICER]
    assert Permission.ALLOCATION_RUN not in ROLE_PERMISSIONS[Role.CASEWORKER]
    assert Permission.BOOKING_NO_SHOW not in ROLE_PERMISSIONS[Role.APPLICANT]
    assert Permission.ALLOCATION_REQUEST in ROLE_PERMISSIONS[Role.APPLICANT]
    assert Permission.ALLOCATION_REQUEST not in ROLE_PERMISSIONS[Role.SHELTER_STAFF]


def test_the_shelter_routes_declare_their_permissions(api: Api) -> None:
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    path = "/api/v1/shelters/{shelter_id}/occupancy"
    assert declared[("POST", path)] is Permission.SHELTER_OCCUPANCY_RECORD
    assert declared[("GET", path)] is Permission.SHELTER_OCCUPANCY_READ
    holders = {
        r for r, held in ROLE_PERMISSIONS.items() if Permission.SHELTER_OCCUPANCY_RECORD in held
    }
    assert holders == {Role.SHELTER_STAFF}


def test_the_role_homes_declare_their_permissions(api: Api) -> None:
    declared = {}
    for context in iter_route_contexts(api.client.app.routes):  # type: ignore[attr-defined]
        if isinstance(context.route, APIRoute) and not context.path.startswith("/api/"):
            (found,) = declarations(context.route)
            if isinstance(found, PageRequires):
                for method in context.route.methods:
                    declared[(method, context.path)] = found.permission
    P = Permission
    expected = {
        ("GET", "/staff/check/travel"): P.DOCUMENT_VERIFY_TRAVEL,
        ("POST", "/staff/check/travel"): P.DOCUMENT_VERIFY_TRAVEL,
        ("GET", "/staff/check/work"): P.DOCUMENT_VERIFY_WORK,
        ("POST", "/staff/check/work"): P.DOCUMENT_VERIFY_WORK,
        ("GET", "/staff/audit"): P.AUDIT_READ,
        ("GET", "/staff/accounts"): P.USER_LIST,
        ("POST", "/staff/accounts"): P.USER_CREATE,
        ("GET", "/staff/accounts/{user_id}"): P.USER_LIST,
        ("POST", "/staff/accounts/{user_id}/active"): P.USER_DISABLE,
        ("POST", "/staff/accounts/{user_id}/role"): P.USER_ROLE,
    }
    assert {route: declared.get(route) for route in expected} == expected
    api_routes_declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    assert api_routes_declared[("POST", "/api/v1/users/{user_id}/role")] is P.USER_ROLE
    assert {r for r, held in ROLE_PERMISSIONS.items() if P.USER_ROLE in held} == {Role.ADMIN}


def test_only_administrators_erase_a_person(api: Api) -> None:
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    path = "/api/v1/admin/persons/{person_id}/erasure"
    assert declared[("POST", path)] is Permission.PERSON_ERASE
    holders = {r for r, held in ROLE_PERMISSIONS.items() if Permission.PERSON_ERASE in held}
    assert holders == {Role.ADMIN}


def test_the_person_matching_routes_declare_their_permissions(api: Api) -> None:
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    read = ("GET", "/api/v1/persons/{person_id}/possible-duplicates")
    decide = ("POST", "/api/v1/persons/{person_id}/duplicate-decisions")
    assert declared[read] is Permission.PERSON_MATCH_READ
    assert declared[decide] is Permission.PERSON_MATCH_DECIDE
    for permission in (Permission.PERSON_MATCH_READ, Permission.PERSON_MATCH_DECIDE):
        holders = {r for r, held in ROLE_PERMISSIONS.items() if permission in held}
        assert holders == {Role.INM_OFFICER}, permission


def test_the_holder_photo_routes_declare_their_permissions(api: Api) -> None:
    declared = {(m, p): perm for m, p, perm in permission_routes(api.client.app)}  # type: ignore[arg-type]
    path = "/api/v1/cases/{case_id}/persons/{position}/photo"
    assert declared[("PUT", path)] is Permission.PERSON_PHOTO_CAPTURE
    assert declared[("GET", path)] is Permission.PERSON_PHOTO_READ

    def holders(permission: Permission) -> set[Role]:
        return {r for r, held in ROLE_PERMISSIONS.items() if permission in held}

    assert holders(Permission.PERSON_PHOTO_CAPTURE) == {Role.INM_OFFICER}
    # staff who read the case (caseworkers: those given to them), and the applicant (their own)
    assert holders(Permission.PERSON_PHOTO_READ) == {
        Role.INM_OFFICER,
        Role.CASEWORKER,
        Role.APPLICANT,
    }
