"""Documents along the corridor, over the API: issuance, reading, revocation, yes/no checks,
the public key bundle and status lists, and offline verification of what the API hands out."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from corredor.documents import issuance as service
from corredor.documents import issuer_keys
from corredor.documents.credentials import jws
from corredor.documents.credentials.keys import load_bundle
from corredor.documents.credentials.status import load_status_bundle, read_status_list
from corredor.documents.credentials.verifier import Verifier
from corredor.documents.domain.credentials import Rejection
from corredor.kernel.domain.permissions import Role
from corredor.kernel.ratelimit import TokenBucketLimiter
from corredor.kernel.tables import AuditEntry
from tests.platform.conftest import Api
from tests.platform.journey import ok, walk

AIRLINE, EMPLOYER = Role.AIRLINE_AGENT, Role.EMPLOYER


def documents(api: Api, case_id: str) -> list[dict[str, Any]]:
    return ok(api.get(f"/cases/{case_id}/documents", "inm", Role.INM_OFFICER))  # type: ignore[no-any-return]


def by_type(found: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in found if d["type"] == kind]


def offline_verifier(api: Api) -> Verifier:
    """What an airline's or employer's device downloads, then uses without a network."""
    keys = api.client.get("/api/v1/credentials/keys").json()
    lists = api.client.get("/api/v1/credentials/status").json()
    ring = load_bundle(keys)
    return Verifier(ring, load_status_bundle(lists, ring))


def travel_check(api: Api, body: dict[str, Any], who: str = "airline") -> dict[str, Any]:
    return ok(api.post("/verifications/travel", who, AIRLINE, body), 200)


def work_check(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    return ok(api.post("/verifications/employment", "employer", EMPLOYER, body), 200)


def test_each_step_of_the_corridor_issues_its_documents(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    issued = documents(api, ids["case"])
    assert [d["type"] for d in issued] == ["tvrh"] * 3  # one card per member of the household
    assert {d["issuer"] for d in issued} == {"INM"}
    assert {d["holder_name"] for d in issued} == {
        "Marie-Claude Joseph",
        "Wesley Joseph",
        "Nadège Joseph",
    }
    ids = walk(api, "work_authorized")
    issued = documents(api, ids["case"])
    assert sorted({d["type"] for d in issued}) == ["travel", "tvrh", "work"]
    travel = by_type(issued, "travel")
    assert len(travel) == 3
    assert {(d["travel_mode"], d["port"]) for d in travel} == {("flight", "us-fl-mia")}
    assert {d["category"] for d in by_type(issued, "work")} == {"(c)(11)"}
    verifier = offline_verifier(api)
    for document in issued:
        verdict = verifier.verify(document["credential"])
        assert verdict.credential is not None
        assert verdict.credential.number == document["number"]
        if document["type"] == "travel":  # used at admission: it boards no one again
            assert verdict.reason is Rejection.REVOKED, document["number"]
            assert document["revoked"]
        else:
            assert verdict.valid, (document["number"], verdict.explanation)


def test_applicants_see_their_own_documents_only(api: Api) -> None:
    mine = walk(api, "parole_granted", applicant="doc-alice")
    theirs = walk(api, "tvrh_issued", applicant="doc-bob")
    listed = ok(api.get("/documents/mine", "doc-alice", Role.APPLICANT))
    assert {d["case_id"] for d in listed} == {mine["case"]}
    assert len(listed) == 6
    other = documents(api, theirs["case"])[0]
    assert api.get(f"/documents/{other['id']}", "doc-alice", Role.APPLICANT).status_code == 404
    assert (
        api.get(f"/cases/{theirs['case']}/documents", "doc-alice", Role.APPLICANT).status_code
        == 404
    )
    assert api.get(f"/documents/{other['id']}", "cbp", Role.CBP_OFFICER).status_code == 403
    assert ok(api.get("/documents/mine", "inm", Role.INM_OFFICER)) == []


def test_reading_documents_is_audited(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    documents(api, ids["case"])
    with api.platform.db.transaction() as s:
        actions = (
            s.execute(select(AuditEntry.action).where(AuditEntry.case_id == ids["case"]))
            .scalars()
            .all()
        )
    assert "platform:document:issue" in actions
    assert "platform:document:read" in actions


def test_qr_and_card_renderings(api: Api) -> None:
    ids = walk(api, "tvrh_issued", applicant="doc-card")
    document = documents(api, ids["case"])[0]
    base = f"/documents/{document['id']}"
    png = api.get(f"{base}/qr", "doc-card", Role.APPLICANT, format="png")
    assert png.headers["content-type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [code.text for code in decoded] == [document["credential"]]
    svg = api.get(f"{base}/qr", "doc-card", Role.APPLICANT)
    assert svg.headers["content-type"] == "image/svg+xml"
    card = api.get(f"{base}/card", "doc-card", Role.APPLICANT)
    assert "Marie-Claude Joseph" in card.text
    assert document["number"] in card.text
    card_png = api.get(f"{base}/card", "doc-card", Role.APPLICANT, format="png")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(card_png.content)))
    assert [code.text for code in decoded] == [document["credential"]]
    pdf = api.get(f"{base}/card", "doc-card", Role.APPLICANT, format="pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert api.get(f"{base}/card", "doc-card", Role.APPLICANT, format="gif").status_code == 422


def test_the_travel_check_answers_yes_or_no_and_nothing_else(api: Api) -> None:
    ids = walk(api, "parole_granted")
    issued = documents(api, ids["case"])
    travel = by_type(issued, "travel")[0]
    answer = travel_check(api, {"credential": travel["credential"]})
    assert answer == {
        "valid": True,
        "reason": None,
        "document_type": "travel",
        "valid_from": travel["valid_from"],
        "valid_until": travel["valid_until"],
    }
    by_number = travel_check(
        api, {"number": travel["number"], "birth_date": travel["holder_birth_date"]}
    )
    assert by_number["valid"] is True
    wrong_birth = travel_check(api, {"number": travel["number"], "birth_date": "1990-01-01"})
    assert wrong_birth == {
        "valid": False,
        "reason": "not_found",
        "document_type": None,
        "valid_from": None,
        "valid_until": None,
    }
    tampered = travel["credential"][:-2] + ("AA" if travel["credential"][-2:] != "AA" else "BA")
    assert travel_check(api, {"credential": tampered})["valid"] is False
    assert travel_check(api, {"credential": "not a document"})["valid"] is False
    # Port of entry and INM checkpoints may check too; an employer may not check travel.
    assert (
        api.post(
            "/verifications/travel", "cbp", Role.CBP_OFFICER, {"credential": travel["credential"]}
        ).status_code
        == 200
    )
    assert (
        api.post(
            "/verifications/travel", "employer", EMPLOYER, {"credential": travel["credential"]}
        ).status_code
        == 403
    )


def test_a_travel_authorization_is_used_up_at_admission(api: Api) -> None:
    ids = walk(api, "work_authorized")
    issued = documents(api, ids["case"])
    travel, work = by_type(issued, "travel")[0], by_type(issued, "work")[0]
    assert travel["revoked"]
    assert travel_check(api, {"credential": work["credential"]})["valid"] is False  # not travel
    assert travel_check(api, {"credential": travel["credential"]})["valid"] is False
    by_number = {"number": travel["number"], "birth_date": travel["holder_birth_date"]}
    assert travel_check(api, by_number)["valid"] is False


def test_the_employment_check(api: Api) -> None:
    ids = walk(api, "work_authorized")
    issued = documents(api, ids["case"])
    work, travel, tvrh = (by_type(issued, kind)[0] for kind in ("work", "travel", "tvrh"))
    assert work_check(api, {"credential": work["credential"]})["valid"] is True
    mexican = work_check(api, {"credential": tvrh["credential"]})
    assert (mexican["valid"], mexican["reason"]) == (False, "mexico_only")  # not US work
    refused = work_check(api, {"credential": travel["credential"]})
    assert (refused["valid"], refused["reason"]) == (False, "wrong_document")
    assert refused["document_type"] == "travel"
    with api.platform.db.transaction() as s:
        checks = (
            s.execute(
                select(AuditEntry.detail).where(
                    AuditEntry.action == "platform:document:verify_work"
                )
            )
            .scalars()
            .all()
        )
    assert {"document": work["number"], "via": "credential", "valid": True} in checks


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "number"),
        ({"number": "TVRH-1"}, "birth_date"),
        ({"credential": "x.y.z", "number": "TVRH-1"}, "credential"),
        ({"credential": "x", "extra": 1}, "extra"),
    ],
)
def test_a_bad_check_request_names_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    answer = api.post("/verifications/employment", "employer", EMPLOYER, body)
    assert answer.status_code == 422
    assert field in json.dumps(answer.json()["detail"])


def test_checks_are_rate_limited(api: Api) -> None:
    api.client.app.state.verification_limiter = TokenBucketLimiter(
        capacity=2, rate=0.5, clock=lambda: 0.0
    )  # type: ignore[attr-defined]
    body = {"credential": "not a document"}
    codes = [
        api.post("/verifications/travel", "airline", AIRLINE, body).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    refused = api.post("/verifications/travel", "airline", AIRLINE, body)
    assert refused.headers["Retry-After"] == "2"


def test_revocation_by_the_issuing_agency_and_offline_refresh(api: Api) -> None:
    ids = walk(api, "parole_granted")
    travel = by_type(documents(api, ids["case"]), "travel")[0]
    before = offline_verifier(api)  # a device that has not refreshed yet
    path = f"/documents/{travel['id']}/revocation"
    assert api.post(path, "inm", Role.INM_OFFICER, {"reason": "lost"}).status_code == 403
    revoked = ok(api.post(path, "cbp", Role.CBP_OFFICER, {"reason": "reported stolen"}), 200)
    assert revoked["revoked"] is True
    again = api.post(path, "cbp", Role.CBP_OFFICER, {"reason": "twice"})
    assert again.status_code == 409
    assert (
        api.post("/documents/nope/revocation", "cbp", Role.CBP_OFFICER, {"reason": "x"}).status_code
        == 404
    )
    assert api.post(path, "cbp", Role.CBP_OFFICER, {"reason": ""}).status_code == 422
    assert travel_check(api, {"credential": travel["credential"]})["valid"] is False
    assert before.verify(travel["credential"]).valid  # until the list is refreshed ...
    after = offline_verifier(api).verify(travel["credential"])
    assert after.reason is Rejection.REVOKED  # ... and then it fails offline too


def test_withdrawal_revokes_the_case_documents(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    ok(api.post(f"/cases/{ids['case']}/withdrawal", "inm", Role.INM_OFFICER, {"reason": "left"}))
    issued = documents(api, ids["case"])
    assert issued and all(d["revoked"] for d in issued)
    verdict = offline_verifier(api).verify(issued[0]["credential"])
    assert verdict.reason is Rejection.REVOKED


def test_the_bundle_and_lists_are_public_and_cacheable(api: Api) -> None:
    walk(api, "tvrh_issued")
    for path in ("/api/v1/credentials/keys", "/api/v1/credentials/status"):
        first = api.client.get(path)
        assert first.status_code == 200
        assert "max-age" in first.headers["Cache-Control"]
        etag = first.headers["ETag"]
        again = api.client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert api.client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    keys = api.client.get("/api/v1/credentials/keys").json()
    assert {"INM"} <= {k["issuer"] for k in keys["keys"]}
    assert all("private" not in json.dumps(k) for k in keys["keys"])


def test_each_document_names_the_token_status_list_served_at_its_uri(api: Api) -> None:
    """The `status.status_list.uri` in a document is where its issuer's list is: the IETF
    Token Status List, whose `sub` is that same URI and whose bit says revoked or not."""
    ids = walk(api, "tvrh_issued")
    document = documents(api, ids["case"])[0]
    claims = jws.parse(document["credential"].split("~")[0]).claims
    uri = claims["status"]["status_list"]["uri"]
    path = uri.removeprefix(api.platform.settings.public_url)
    assert path == "/api/v1/credentials/status/INM"
    served = api.client.get(path)
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/statuslist+jwt"
    assert (
        api.client.get(path, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    )
    parsed = jws.parse(served.text)
    assert (parsed.typ, parsed.claims["sub"]) == ("statuslist+jwt", uri)
    ring = load_bundle(api.client.get("/api/v1/credentials/keys").json())
    assert (
        read_status_list(served.text, ring).revoked(claims["status"]["status_list"]["idx"]) is False
    )
    assert api.client.get("/api/v1/credentials/status/UN").status_code == 404
    assert api.client.get("/api/v1/credentials/status/not-an-agency").status_code == 422


def test_rotation_keeps_old_documents_valid_and_compromise_reissues(api: Api) -> None:
    old_case = walk(api, "tvrh_issued")
    old = documents(api, old_case["case"])[0]
    with api.platform.db.transaction() as s:
        new_key, retired = issuer_keys.rotate_key(api.platform, s, "INM")
    assert retired is not None and retired.trusted_until is not None
    assert retired.trusted_until.isoformat() >= old["valid_until"]
    new_case = walk(api, "tvrh_issued")
    new = documents(api, new_case["case"])[0]
    assert new["key_id"] == new_key.kid != old["key_id"]
    verifier = offline_verifier(api)
    assert verifier.verify(old["credential"]).valid  # the retired key still vouches
    assert verifier.verify(new["credential"]).valid

    with api.platform.db.transaction() as s:
        resigned = service.revoke_key(api.platform, s, new_key.kid, "leaked")
    assert new["number"] in resigned
    verifier = offline_verifier(api)
    assert verifier.verify(new["credential"]).reason is Rejection.KEY_REVOKED
    replacement = next(d for d in documents(api, new_case["case"]) if d["id"] == new["id"])
    assert replacement["key_id"] not in (new_key.kid, old["key_id"])
    assert verifier.verify(replacement["credential"]).valid
    # Online, the old card of a re-signed document is refused too.
    assert travel_check(api, {"credential": new["credential"]}, who="cbp-port")["valid"] is False


def test_each_check_accepts_only_its_document_on_its_day_and_port(api: Api) -> None:
    ids = walk(api, "parole_granted")  # before admission uses the travel authorization up
    issued = documents(api, ids["case"])
    travel, tvrh = (by_type(issued, kind)[0] for kind in ("travel", "tvrh"))
    at_the_border = travel_check(api, {"credential": tvrh["credential"]})
    assert (at_the_border["valid"], at_the_border["reason"]) == (False, "mexico_only")
    inside_mexico = ok(
        api.post("/verifications/mexico", "airline", AIRLINE, {"credential": tvrh["credential"]})
    )
    assert inside_mexico["valid"] is True
    us_card = ok(
        api.post("/verifications/mexico", "airline", AIRLINE, {"credential": travel["credential"]})
    )
    assert (us_card["valid"], us_card["reason"]) == (False, "wrong_document")
    after = date.fromisoformat(travel["valid_until"]) + timedelta(days=1)
    late = travel_check(api, {"credential": travel["credential"], "on": after.isoformat()})
    assert (late["valid"], late["reason"]) == (False, "expired")
    elsewhere = travel_check(api, {"credential": travel["credential"], "port": "NOWHERE-1"})
    assert (elsewhere["valid"], elsewhere["reason"]) == (False, "other_port")
    right_port = travel_check(api, {"credential": travel["credential"], "port": travel["port"]})
    assert right_port["valid"] is True
