"""Every way a presented document fails offline has its own reason."""

from __future__ import annotations

import json
from datetime import timedelta

import jwt
import pytest

from corredor.documents.credentials import jws
from corredor.documents.domain.credentials import (
    EXPLANATION,
    KeyState,
    MalformedClaims,
    Rejection,
    from_claims,
    to_claims,
)
from tests.credentials.kit import NOW, TODAY, Kit, standard_kit, travel_document, tvrh_document


@pytest.fixture
def kit() -> Kit:
    return standard_kit()


def test_a_genuine_document_verifies_with_its_claims(kit: Kit) -> None:
    document = travel_document()
    verdict = kit.verifier().verify(kit.sign(document, "cbp-1"), NOW)
    assert verdict.valid, verdict.explanation
    assert verdict.credential == document
    assert verdict.explanation == "valid"


def test_pyjwt_reads_the_tokens_too(kit: Kit) -> None:
    """The format is standard compact JWS with EdDSA, not a private dialect."""
    token = kit.sign(tvrh_document(), "inm-1")
    public = kit.private["inm-1"].public_key()
    claims = jwt.decode(token, public, algorithms=["EdDSA"])
    assert claims["num"] == "TVRH-99AA00BB11-2"
    assert jwt.get_unverified_header(token)["kid"] == "inm-1"


def test_a_tampered_payload_has_a_bad_signature(kit: Kit) -> None:
    token = kit.sign(travel_document(), "cbp-1")
    header, payload, signature = token.split(".")
    claims = json.loads(jws.b64decode(payload))
    claims["vu"] = "2099-12-31"  # a smuggler's extension of the validity
    forged = f"{header}.{jws.b64encode(jws.canonical_json(claims))}.{signature}"
    verdict = kit.verifier().verify(forged, NOW)
    assert verdict.reason is Rejection.BAD_SIGNATURE
    assert "altered or forged" in verdict.explanation


def test_a_document_signed_by_an_outsider_naming_a_real_key_is_a_forgery(kit: Kit) -> None:
    kit.key("rogue", "CBP")
    forged = kit.sign(travel_document(), "cbp-1", signer="rogue")
    del kit.info["rogue"]  # the verifier never heard of the forger's key
    assert kit.verifier().verify(forged, NOW).reason is Rejection.BAD_SIGNATURE


def test_a_document_signed_by_another_known_key_is_the_wrong_key(kit: Kit) -> None:
    token = kit.sign(travel_document(), "cbp-1", signer="inm-1")
    verdict = kit.verifier().verify(token, NOW)
    assert verdict.reason is Rejection.WRONG_KEY
    assert "signed by inm-1" in verdict.detail


def test_a_key_of_another_agency_is_the_wrong_key(kit: Kit) -> None:
    """INM's key may not sign a CBP travel authorization, even with a valid signature."""
    token = kit.sign(travel_document(), "inm-1")
    verdict = kit.verifier().verify(token, NOW)
    assert verdict.reason is Rejection.WRONG_KEY
    assert "INM" in verdict.detail


def test_an_unknown_key_id(kit: Kit) -> None:
    kit.key("cbp-9", "CBP")
    token = kit.sign(travel_document(), "cbp-9")
    del kit.info["cbp-9"]
    verdict = kit.verifier().verify(token, NOW)
    assert verdict.reason is Rejection.UNKNOWN_KEY
    assert "cbp-9" in verdict.detail


def test_expired_and_not_yet_valid(kit: Kit) -> None:
    verifier = kit.verifier()
    token = kit.sign(travel_document(valid_until=TODAY - timedelta(days=1)), "cbp-1")
    assert verifier.verify(token, NOW).reason is Rejection.EXPIRED
    token = kit.sign(travel_document(valid_from=TODAY + timedelta(days=1)), "cbp-1")
    assert verifier.verify(token, NOW).reason is Rejection.NOT_YET_VALID
    last_day = kit.sign(travel_document(valid_until=TODAY), "cbp-1")
    assert verifier.verify(last_day, NOW).valid  # the last day of validity still counts


def test_a_revoked_document_fails_once_the_list_says_so(kit: Kit) -> None:
    token = kit.sign(travel_document(status_index=7), "cbp-1")
    assert kit.verifier().verify(token, NOW).valid
    kit.revoked["CBP"] = {7}
    verdict = kit.verifier().verify(token, NOW)
    assert verdict.reason is Rejection.REVOKED
    other = kit.sign(travel_document(status_index=8, number="PAROLE-0A1B2C3D4E-2"), "cbp-1")
    assert kit.verifier().verify(other, NOW).valid  # only that document's bit is set


def test_a_compromised_key_vouches_for_nothing(kit: Kit) -> None:
    token = kit.sign(tvrh_document(), "inm-1")
    kit.key("inm-2", "INM")
    kit.key("inm-1", "INM", state=KeyState.REVOKED, revoked_on=TODAY)
    verdict = kit.verifier().verify(token, NOW)
    assert verdict.reason is Rejection.KEY_REVOKED


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        (lambda t: t[:-1], Rejection.TRUNCATED),
        (lambda t: t[:-40], Rejection.TRUNCATED),
        (lambda t: t.rsplit(".", 1)[0], Rejection.TRUNCATED),
        (lambda t: t.rsplit(".", 1)[0] + ".", Rejection.TRUNCATED),
        (lambda t: t.split(".")[0], Rejection.TRUNCATED),
        (lambda t: t[:20], Rejection.TRUNCATED),
    ],
)
def test_a_truncated_code(kit: Kit, cut: object, reason: Rejection) -> None:
    token = kit.sign(travel_document(), "cbp-1")
    verdict = kit.verifier().verify(cut(token), NOW)  # type: ignore[operator]
    assert verdict.reason is reason, verdict.explanation


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "hello",
        "https://example.org/not-a-document",
        "WIFI:S:cafe;T:WPA;P:secret;;",
        "a.b.c",
        "a.b.c.d",
        "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",  # a JWT, but HMAC and no key id
        "ñandú.ñandú.ñandú",
        "{" * 500,
    ],
)
def test_garbage_is_not_a_credential(kit: Kit, garbage: str) -> None:
    verdict = kit.verifier().verify(garbage, NOW)
    assert verdict.reason is Rejection.NOT_A_CREDENTIAL, verdict.explanation


def test_a_signed_payload_that_is_not_a_document_is_refused(kit: Kit) -> None:
    """A status list is signed by the same key: presented as a card, it is no document."""
    token = kit.status_token("CBP", "cbp-1")
    verdict = kit.verifier().verify(token, NOW)
    assert verdict.reason is Rejection.NOT_A_CREDENTIAL
    assert "signed, but not a document" in verdict.detail


def test_without_a_list_for_the_issuer_the_status_is_unknown(kit: Kit) -> None:
    token = kit.sign(travel_document(), "cbp-1")
    verifier = kit.verifier()
    assert verifier.status is not None
    verifier.status = {k: v for k, v in verifier.status.items() if k != "CBP"}
    assert verifier.verify(token, NOW).reason is Rejection.STATUS_UNKNOWN


def test_an_index_beyond_the_list_is_status_unknown(kit: Kit) -> None:
    token = kit.sign(travel_document(status_index=10_000_000), "cbp-1")
    assert kit.verifier().verify(token, NOW).reason is Rejection.STATUS_UNKNOWN


def test_a_stale_status_list_is_refused_rather_than_trusted(kit: Kit) -> None:
    token = kit.sign(travel_document(), "cbp-1")
    old = kit.verifier(issued_at=NOW - timedelta(days=3))
    verdict = old.verify(token, NOW)
    assert verdict.reason is Rejection.STATUS_LIST_STALE
    assert "refresh" in verdict.explanation


def test_every_reason_has_its_own_explanation() -> None:
    assert set(EXPLANATION) == set(Rejection)
    assert len(set(EXPLANATION.values())) == len(Rejection)


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("typ", None),
        ("typ", "passport"),
        ("num", ""),
        ("iss", 7),
        ("nam", None),
        ("dob", "11/04/1992"),
        ("vf", None),
        ("vu", "2020-01-01"),  # ends before it starts
        ("sli", "7"),
        ("sli", -1),
        ("tm", "boat"),
        ("tm", None),  # a travel authorization must name its travel mode
    ],
)
def test_claims_that_do_not_make_a_document_name_the_claim(claim: str, value: object) -> None:
    claims = to_claims(travel_document())
    if value is None:
        claims.pop(claim, None)
    else:
        claims[claim] = value
    with pytest.raises(MalformedClaims) as raised:
        from_claims(claims)
    assert raised.value.claim == claim
