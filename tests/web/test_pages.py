"""The signed-in pages over the real platform (SQLite and PostgreSQL): sign-in and sessions, the
same permissions as the API, CSRF, validation that keeps input, translated 403/404 pages, and the
corridor walked through the pages by INM, the applicant and CBP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.kernel.domain.permissions import ROLE_PERMISSIONS, Role
from corredor.platform import Platform
from corredor.web.session import PageRequires
from tests.case_kit import assign
from tests.platform.conftest import PASSWORD
from tests.web.signed_in import Visitor, csrf_of, error_links, make_account


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


@pytest.fixture
def app_client(platform: Platform) -> Iterator[TestClient]:
    # https: the cookies are Secure, and a client sends them only over https
    with TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    ) as client:
        yield client


def visitor(platform: Platform, role: Role, name: str = "") -> Visitor:
    client = TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    )
    return Visitor(client).sign_in(platform, role, name)


def household_form(applicant: str = "", document: str | None = None) -> dict[str, str]:
    child_year = date.today().year - 4
    return {
        "border_point": "mx-chp-ciudad-hidalgo",
        "ground": "tvrh.ground.asylum-seeker",
        "name": "Marie-Claude Joseph",
        "birth-day": "11",
        "birth-month": "4",
        "birth-year": "1992",
        "nationality": "HT",
        "document_number": document or f"HT-W{uuid.uuid4().hex[:8].upper()}",
        "documents": "passport",
        "applicant": applicant,
        "member-1-relation": "child",
        "member-1-name": "Wesley Joseph",
        "member-1-birth-day": "2",
        "member-1-birth-month": "3",
        "member-1-birth-year": str(child_year),
        "member-1-nationality": "HT",
    }


def register(inm: Visitor, form: dict[str, str]) -> str:
    answer = inm.submit("/desk/register", "/desk/register/confirm", form)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"]).split("/")[2].split("?")[0]


def to_tvrh_with_consent(platform: Platform, fields: list[str]) -> tuple[str, Visitor, Visitor]:
    """INM registers a household linked to a new applicant, issues the TVRH; the applicant
    consents to the fields; INM discloses them to CBP. Returns (case, inm, applicant)."""
    marie = visitor(platform, Role.APPLICANT, "marie")
    inm = visitor(platform, Role.INM_OFFICER)
    case = register(inm, household_form(applicant=marie.username))
    issued = inm.submit(f"/cases/{case}", f"/desk/cases/{case}/tvrh", {})
    assert issued.headers["location"].endswith("?done=tvrh")
    given = marie.submit(f"/cases/{case}/consents", f"/cases/{case}/consents", {"fields": fields})
    assert given.status_code == 303
    page = inm.get(f"/desk/cases/{case}/disclosure")
    consent = page.text.split('name="consent" value="')[1].split('"')[0]
    disclosed = inm.submit(
        f"/desk/cases/{case}/disclosure",
        f"/desk/cases/{case}/disclosure",
        {"consent": consent, "fields": fields},
    )
    assert disclosed.headers["location"].endswith("?done=disclosed"), disclosed.text
    return case, inm, marie


def test_sign_in_sets_a_secure_session_cookie_and_sign_out_ends_it(
    app_client: TestClient, platform: Platform
) -> None:
    username, _ = make_account(platform, Role.APPLICANT)
    form = app_client.get("/sign-in")
    answer = app_client.post(
        "/sign-in",
        data={"csrf_token": csrf_of(form.text), "username": username, "password": PASSWORD},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "corredor_session=" in c)
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=lax" in cookie
    assert "Max-Age" not in cookie  # ends with the browser; the token inside expires sooner
    account = app_client.get("/account")
    assert account.status_code == 200
    assert username in account.text
    assert 'href="/cases"' in account.text
    assert "no-store" in account.headers["cache-control"]

    out = app_client.post("/sign-out", data={"csrf_token": csrf_of(account.text)})
    assert out.status_code == 303
    assert app_client.get("/account").status_code == 303  # back to the sign-in page


def test_a_wrong_password_keeps_the_username_and_links_the_error(
    app_client: TestClient, platform: Platform
) -> None:
    username, _ = make_account(platform, Role.INM_OFFICER)
    form = app_client.get("/sign-in?lang=en")
    answer = app_client.post(
        "/sign-in",
        data={"csrf_token": csrf_of(form.text), "username": username, "password": "nope"},
    )
    assert answer.status_code == 400
    assert error_links(answer.text) == ["username"]
    assert f'value="{username}"' in answer.text
    assert "nope" not in answer.text  # a password is never written back
    assert "corredor_session" not in answer.headers.get("set-cookie", "")


def test_a_page_sends_a_signed_out_person_to_sign_in_and_back(
    app_client: TestClient, platform: Platform
) -> None:
    answer = app_client.get("/cases?state=registered")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Fcases%3Fstate%3Dregistered"
    username, _ = make_account(platform, Role.SHELTER_STAFF)
    form = app_client.get(answer.headers["location"])
    assert 'name="next" value="/cases?state=registered"' in form.text
    signed = app_client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_of(form.text),
            "username": username,
            "password": PASSWORD,
            "next": "/cases?state=registered",
        },
    )
    assert signed.headers["location"] == "/cases?state=registered"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_never_sends_someone_to_another_site(
    app_client: TestClient, platform: Platform, target: str
) -> None:
    username, _ = make_account(platform, Role.APPLICANT)
    form = app_client.get("/sign-in")
    signed = app_client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_of(form.text),
            "username": username,
            "password": PASSWORD,
            "next": target,
        },
    )
    assert signed.headers["location"] == "/account"


def test_a_forged_or_expired_session_is_not_a_session(app_client: TestClient) -> None:
    app_client.cookies.set("corredor_session", "not-a-token", domain="testserver")
    assert app_client.get("/account").status_code == 303


def page_permissions(client: TestClient) -> list[tuple[str, PageRequires]]:
    found = []
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        route = context.route
        if isinstance(route, APIRoute) and "GET" in route.methods:
            for dependency in route.dependant.dependencies:
                if isinstance(dependency.call, PageRequires):
                    found.append((context.path, dependency.call))
    return found


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_a_translated_403_on_pages_it_may_not_open(
    platform: Platform, role: Role
) -> None:
    """The pages hold the API's permissions: a role without one gets the 403 page, in its
    language; with it, anything but 403 (unknown ids are 404)."""
    person = visitor(platform, role)
    pages = page_permissions(person.client)
    assert len(pages) >= 12
    for path, declared in pages:
        url = path.replace("{case_id}", str(uuid.uuid4())).replace("{question}", "site")
        answer = person.get(url, lang="ht")
        if declared.permission in ROLE_PERMISSIONS[role]:
            assert answer.status_code != 403, (role, path)
        else:
            assert answer.status_code == 403, (role, path, answer.status_code)
            assert "Ou pa ka wè paj sa a" in answer.text
            assert '<html lang="ht">' in answer.text
        assert answer.status_code < 500


def test_unknown_and_other_peoples_cases_are_a_translated_404(platform: Platform) -> None:
    case, _, _ = to_tvrh_with_consent(platform, ["name", "tvrh"])
    stranger = visitor(platform, Role.APPLICANT)
    for url in (f"/cases/{case}", f"/cases/{case}/access", f"/cases/{uuid.uuid4()}"):
        answer = stranger.get(url, lang="fr")
        assert answer.status_code == 404, url
        assert "Page introuvable" in answer.text
    assert stranger.get(f"/cases/{case}/parole/q/nope").status_code == 404


def test_an_address_no_route_matches_is_a_page_but_json_under_the_api(
    app_client: TestClient,
) -> None:
    page = app_client.get("/no-such-page", params={"lang": "pt"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="pt">' in page.text
    assert "Página não encontrada" in page.text
    api = app_client.get("/api/v1/no-such-route")
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}
    wrong_method = app_client.delete("/api/v1/health")
    assert wrong_method.status_code == 405  # other HTTP errors keep FastAPI's answer


def test_forms_refuse_a_missing_or_wrong_csrf_token(platform: Platform) -> None:
    inm = visitor(platform, Role.INM_OFFICER)
    form = household_form()
    before = inm.get("/cases").text.count('href="/cases/')
    assert inm.client.post("/desk/register/confirm", data=form).status_code == 403
    wrong = inm.client.post("/desk/register/confirm", data={**form, "csrf_token": "x"})
    assert wrong.status_code == 403
    assert "<html" in wrong.text  # a page, not JSON
    assert inm.get("/cases").text.count('href="/cases/') == before  # nothing was registered


def test_registration_errors_link_to_fields_and_keep_what_was_typed(platform: Platform) -> None:
    inm = visitor(platform, Role.INM_OFFICER)
    form = household_form() | {
        "name": "",
        "birth-year": "2999",
        "member-1-relation": "",
        "ground": "",
    }
    answer = inm.submit("/desk/register?lang=en", "/desk/register", form)
    assert answer.status_code == 400
    assert set(error_links(answer.text)) == {"name", "birth-day", "member-1-relation", "ground"}
    assert 'value="Wesley Joseph"' in answer.text  # the member row is kept
    assert 'value="mx-chp-ciudad-hidalgo" selected' in answer.text
    assert "Choose how this person is related" in answer.text
    spanish = inm.submit("/desk/register?lang=es", "/desk/register", form)
    assert "Elija el parentesco de esta persona" in spanish.text


def test_the_check_page_carries_the_household_and_a_double_submit_registers_once(
    platform: Platform,
) -> None:
    inm = visitor(platform, Role.INM_OFFICER)
    document = f"HT-D{uuid.uuid4().hex[:8].upper()}"
    check = inm.submit(
        "/desk/register?lang=en", "/desk/register", household_form(document=document)
    )
    assert check.status_code == 200
    assert "Check the household before you register it" in check.text
    assert "Wesley Joseph" in check.text
    fields = {
        "csrf_token": csrf_of(check.text),
        "form_key": check.text.split('name="form_key" value="')[1].split('"')[0],
    } | household_form(document=document)
    first = inm.client.post("/desk/register/confirm", data=fields)
    again = inm.client.post("/desk/register/confirm", data=fields)  # the button pressed twice
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]


def test_the_corridor_through_the_pages_shows_cbp_only_what_was_disclosed(
    platform: Platform,
) -> None:
    # the person shares identity, household and TVRH, but not the document number
    case, _, marie = to_tvrh_with_consent(
        platform, ["name", "birth_date", "nationality", "household", "tvrh"]
    )

    # the application: one question per page, an error that keeps the page, then check
    empty = marie.submit(f"/cases/{case}/parole/q/site", f"/cases/{case}/parole/q/site", {})
    assert empty.status_code == 400
    assert error_links(empty.text) == ["answer"]
    marie.submit(
        f"/cases/{case}/parole/q/site",
        f"/cases/{case}/parole/q/site",
        {"answer": "mx-cmx-assisted-site"},
    )
    marie.submit(
        f"/cases/{case}/parole/q/declaration",
        f"/cases/{case}/parole/q/declaration",
        {"answer": "yes"},
    )
    check = marie.get(f"/cases/{case}/parole/check", lang="pt")
    assert "Confira suas respostas antes de fazer o pedido" in check.text
    sent = marie.submit(f"/cases/{case}/parole/check", f"/cases/{case}/parole/check", {})
    assert sent.headers["location"] == f"/cases/{case}?done=parole"

    cbp = visitor(platform, Role.CBP_OFFICER)
    assert case[:8].upper() in cbp.get("/cbp").text
    review = cbp.get(f"/cbp/cases/{case}", lang="en")
    assert "Marie-Claude Joseph" in review.text
    assert "Haiti" in review.text
    assert "Document number" not in review.text  # not consented, so not disclosed
    assert "HT-W" not in review.text
    assert cbp.get(f"/cases/{case}/access").status_code == 403  # no access-log page for CBP

    vetted = cbp.submit(f"/cbp/cases/{case}", f"/cbp/cases/{case}/vetting", {})
    assert vetted.headers["location"].endswith("?vetting=clear")
    missing_port = cbp.submit(
        f"/cbp/cases/{case}?lang=en",
        f"/cbp/cases/{case}/decision",
        {"decision": "grant", "travel_mode": "flight"},
    )
    assert missing_port.status_code == 400
    assert error_links(missing_port.text) == ["flight_port"]
    assert 'value="flight" checked' in missing_port.text
    granted = cbp.submit(
        f"/cbp/cases/{case}",
        f"/cbp/cases/{case}/decision",
        {"decision": "grant", "travel_mode": "flight", "flight_port": "us-fl-mia"},
    )
    assert granted.headers["location"] == f"/cases/{case}?done=decided"
    admitted = cbp.submit(
        f"/cbp/cases/{case}", f"/cbp/cases/{case}/admission", {"admission_port": "us-fl-mia"}
    )
    assert admitted.headers["location"] == f"/cases/{case}?done=admitted"

    # the applicant's timeline and access log, in Portuguese
    timeline = marie.get(f"/cases/{case}", lang="pt")
    assert "Admitido nos Estados Unidos, com autorização de trabalho" in timeline.text
    assert "O CBP concedeu o parole" in timeline.text
    assert "Autorização de trabalho nos EUA" in timeline.text
    seen = marie.get(f"/cases/{case}/access", lang="pt")
    assert "Oficial do CBP" in seen.text
    assert "Para decidir sobre seu parole, com seu consentimento" in seen.text
    assert "A lei dos EUA sobre o parole (INA 212(d)(5)(A))" in seen.text  # in plain words
    assert "seed 000" not in seen.text  # never the developers' note


def test_a_caseworker_works_in_spanish_while_the_person_reads_english(
    platform: Platform,
) -> None:
    case, _, _ = to_tvrh_with_consent(platform, ["name", "tvrh"])
    worker = visitor(platform, Role.CASEWORKER)
    assign(platform, case, caseworker_id=worker.user_id)
    found = worker.get("/assist", lang="es", **{"for": "en"})
    assert "Idioma que lee la persona" in found.text
    assert '<option value="en" lang="en" selected>' in found.text
    assert "corredor_for=en" in found.headers["set-cookie"]
    consent = worker.get(f"/cases/{case}/consents")  # the choice is remembered
    assert '<html lang="es">' in consent.text
    assert "Compartir sus datos con CBP" in consent.text
    panel = consent.text.split('<section class="panel" lang="en">')[1].split("</section>")[0]
    assert "Do you agree to share your data with CBP?" in panel
    question = worker.get(f"/cases/{case}/parole/q/declaration")
    panel = question.text.split('<section class="panel" lang="en">')[1].split("</section>")[0]
    assert "I confirm that what my household and I told INM is true" in panel
    assert "Confirmo que lo que mi grupo familiar" in question.text  # the caseworker's own
    ended = worker.get("/assist", **{"for": ""})
    assert 'lang="en">' not in worker.get(f"/cases/{case}/consents").text.split("<main")[1]
    assert "corredor_for" in ended.headers["set-cookie"]


def test_withdrawing_consent_ends_what_cbp_sees(platform: Platform) -> None:
    case, _, marie = to_tvrh_with_consent(platform, ["name", "tvrh"])
    page = marie.get(f"/cases/{case}/consents", lang="en")
    consent = page.text.split('action="/consents/')[1].split("/")[0]
    withdrawn = marie.submit(f"/cases/{case}/consents", f"/consents/{consent}/revocation", {})
    assert withdrawn.headers["location"] == f"/cases/{case}/consents?done=revoked"
    assert "withdrawn on" in marie.get(f"/cases/{case}/consents", lang="en").text
    cbp = visitor(platform, Role.CBP_OFFICER)
    review = cbp.get(f"/cbp/cases/{case}", lang="en")
    assert "No disclosure to CBP is in force" in review.text
    assert "Marie-Claude" not in review.text


def test_a_caseworker_withdraws_consent_on_the_page_only_with_the_persons_instruction(
    platform: Platform,
) -> None:
    case, _, _ = to_tvrh_with_consent(platform, ["name", "tvrh"])
    worker = visitor(platform, Role.CASEWORKER)
    assign(platform, case, caseworker_id=worker.user_id)
    page = worker.get(f"/cases/{case}/consents", lang="en")
    assert "The person asked me to withdraw this consent" in page.text
    consent = page.text.split('action="/consents/')[1].split("/")[0]
    url, action = f"/cases/{case}/consents?lang=en", f"/consents/{consent}/revocation"
    refused = worker.submit(url, action, {"case": case, "reason": "she asked"})
    assert refused.status_code == 400
    assert error_links(refused.text) == ["withdraw"]
    assert "withdrawn on" not in worker.get(f"/cases/{case}/consents", lang="en").text
    done = worker.submit(
        url, action, {"case": case, "on_instruction_of_person": "yes", "reason": "she asked"}
    )
    assert done.headers["location"] == f"/cases/{case}/consents?done=revoked"
    assert "withdrawn on" in worker.get(f"/cases/{case}/consents", lang="en").text


def test_the_consent_form_needs_a_choice(platform: Platform) -> None:
    case, _, marie = to_tvrh_with_consent(platform, ["name"])
    answer = marie.submit(f"/cases/{case}/consents?lang=ht", f"/cases/{case}/consents", {})
    assert answer.status_code == 400
    assert error_links(answer.text) == ["fields"]
    assert "Chwazi omwen yon bagay ou dakò pataje" in answer.text


def test_policy_files_in_force_for_staff(platform: Platform) -> None:
    admin = visitor(platform, Role.AUDITOR)
    page = admin.get("/staff/policies", lang="en")
    assert page.status_code == 200
    assert "mx-tvrh" in page.text
    assert "policies/mx-us-joint-corridor/" in page.text
    in_force = [
        p for p in platform.catalogue.pathway_ids() if platform.catalogue.in_effect(p, date.today())
    ]
    assert page.text.count("<tr>") == len(in_force) + 1  # the header row


def test_the_home_page_lists_demo_accounts_only_in_demo_mode(platform: Platform) -> None:
    plain = TestClient(create_app(platform=platform), base_url="https://testserver")
    assert "inm.hidalgo" not in plain.get("/").text
    platform.settings = platform.settings.model_copy(update={"demo": True})
    try:
        demo = TestClient(create_app(platform=platform), base_url="https://testserver")
        page = demo.get("/?lang=en")
        assert "inm.hidalgo" in page.text
        assert "corredor-demo" in page.text
        assert "INM officer (INM)" in page.text
    finally:
        platform.settings = platform.settings.model_copy(update={"demo": False})
