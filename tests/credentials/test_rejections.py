"""Every way a presented document fails offline has its own reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from corredor.documents.credentials import jws, sd_jwt
from corredor.documents.credentials.status import decode_bits, encode_bits
from corredor.documents.domain.credentials import (
    EXPLANATION,
    KeyState,
    MalformedClaims,
    Rejection,
    from_claims,
    to_claims,
)
from corredor.documents.domain.vc import (
    DISCLOSED_TO,
    Audience,
    disclosable_claims,
    from_vc_claims,
    plain_claims,
)
from tests.credentials.kit import (
    NOW,
    PICTURE,
    STATUS_URI,
    TODAY,
    Kit,
    standard_kit,
    travel_document,
    tvrh_document,
)


@pytest.fixture
def kit() -> Kit:
    return standard_kit()


def test_a_genuine_document_verifies_with_its_claims(kit: Kit) -> None:
    document = travel_document()
    verdict = kit.verifier().verify(kit.sign(document, "cbp-1"), NOW)
    assert verdict.valid, verdict.explanation
    assert verdict.credential == document
    assert verdict.explanation == "valid"


def test_the_sd_jwt_reference_library_reads_our_documents(kit: Kit) -> None:
    """The format is standard SD-JWT: the reference implementation checks our signature and
    every disclosure and finds the same claims."""
    document = travel_document(holder_picture=PICTURE)
    token = kit.sign(document, "cbp-1")
    public = JWK.from_pyca(kit.private["cbp-1"].public_key())
    seen = SDJWTVerifier(token, lambda issuer, header: public).get_verified_payload()
    assert seen["vct"] == "urn:corredor:vct:advance-parole:1"
    assert seen["document_number"] == document.number
    assert seen["status"]["status_list"]["idx"] == document.status_index
    assert (seen["name"], seen["birthdate"]) == ("Marie-Claude Joseph", "1992-04-11")
    assert seen["picture"] == PICTURE
    assert jws.parse(token.split("~")[0]).typ == "dc+sd-jwt"


def test_we_read_what_the_reference_library_issues(kit: Kit) -> None:
    document = tvrh_document()
    personal = {SDObj(name): value for name, value in disclosable_claims(document).items()}
    issued = SDJWTIssuer(
        {**plain_claims(document, STATUS_URI.format(issuer="INM")), **personal},
        JWK.from_pyca(kit.private["inm-1"]),
        sign_alg="EdDSA",
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": "inm-1"},
    ).sd_jwt_issuance
    verdict = kit.verifier().verify(issued, NOW)
    assert verdict.valid, verdict.explanation
    assert verdict.credential == document


def test_documents_of_the_first_format_still_verify(kit: Kit) -> None:
    document = tvrh_document()
    verdict = kit.verifier().verify(kit.sign_first_format(document, "inm-1"), NOW)
    assert verdict.valid and verdict.credential == document


@pytest.mark.parametrize("audience", list(Audience))
def test_each_verifier_learns_only_what_its_check_needs(kit: Kit, audience: Audience) -> None:
    document = travel_document(holder_picture=PICTURE)
    presented = sd_jwt.present(kit.sign(document, "cbp-1"), DISCLOSED_TO[audience])
    verdict = kit.verifier().verify(presented, NOW)
    assert verdict.valid and verdict.credential is not None
    shown = verdict.credential
    assert (shown.holder_name is not None) == ("name" in DISCLOSED_TO[audience])
    assert (shown.holder_birth_date is not None) == ("birthdate" in DISCLOSED_TO[audience])
    assert (shown.holder_picture is not None) == ("picture" in DISCLOSED_TO[audience])
    assert (shown.valid_until, shown.port) == (document.valid_until, document.port)
    # the withheld claims are not in the code at all, not even encoded
    if "birthdate" not in DISCLOSED_TO[audience]:
        assert "1992-04-11" not in "".join(
            jws.b64decode(part).decode() for part in presented.split("~")[1:] if part
        )


def test_an_employer_sees_the_name_and_the_date_to_which_the_person_may_work(kit: Kit) -> None:
    assert DISCLOSED_TO[Audience.EMPLOYER] == {"name"}
    assert DISCLOSED_TO[Audience.AIRLINE] == {"name", "picture"}


def _disclosure_swapped(token: str, index: int, replacement: str) -> str:
    jwt_part, *disclosures = token.split("~")
    disclosures[index] = replacement
    return "~".join([jwt_part, *disclosures])


def test_a_changed_or_borrowed_disclosure_is_refused(kit: Kit) -> None:
    mine = kit.sign(travel_document(), "cbp-1")
    forged_name = sd_jwt.encode_disclosure(b"0123456789abcdef", "name", "Somebody Else")
    verdict = kit.verifier().verify(_disclosure_swapped(mine, 0, forged_name), NOW)
    assert verdict.reason is Rejection.BAD_DISCLOSURE
    assert "altered or added" in verdict.explanation
    # a genuine disclosure from another genuine document does not transfer
    theirs = kit.sign(travel_document(holder_name="Somebody Else"), "cbp-1").split("~")[1]
    assert kit.verifier().verify(_disclosure_swapped(mine, 0, theirs), NOW).reason is (
        Rejection.BAD_DISCLOSURE
    )
    first = mine.split("~")[1]
    doubled = mine + first + "~"
    assert kit.verifier().verify(doubled, NOW).reason is Rejection.BAD_DISCLOSURE


def test_disclosures_on_a_first_format_token_make_it_unreadable(kit: Kit) -> None:
    token = kit.sign_first_format(tvrh_document(), "inm-1") + "~"
    assert kit.verifier().verify(token, NOW).reason is Rejection.NOT_A_CREDENTIAL


def test_the_status_list_bit_order_is_the_ietf_token_status_list_s() -> None:
    """The draft's own example: statuses 1,0,0,1,1,1,0,1 then 1,1,0,0,0,1,0,1 are the bytes
    b9 a3 (index 0 in the least significant bit)."""
    revoked = {0, 3, 4, 5, 7, 8, 9, 13, 15}
    assert decode_bits(encode_bits(revoked, 16)) == bytes([0xB9, 0xA3])


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


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("vct", "urn:example:driving-licence"),
        ("nbf", "2026-01-01"),
        ("exp", None),
        ("document_number", ""),
        ("status", {"status_list": {"uri": "https://x"}}),
        ("travel_mode", "boat"),
    ],
)
def test_sd_jwt_claims_that_do_not_make_a_document_name_the_claim(
    claim: str, value: object
) -> None:
    claims = plain_claims(travel_document(), STATUS_URI.format(issuer="CBP"))
    if value is None:
        claims.pop(claim)
    else:
        claims[claim] = value
    with pytest.raises(MalformedClaims) as raised:
        from_vc_claims(claims, {})
    assert raised.value.claim == claim


def test_a_picture_that_is_not_a_webp_data_url_is_refused() -> None:
    claims = plain_claims(tvrh_document(), STATUS_URI.format(issuer="INM"))
    with pytest.raises(MalformedClaims) as raised:
        from_vc_claims(claims, {"picture": "https://tracker.example/face.jpg"})
    assert raised.value.claim == "picture"


def test_every_code_signs_one_digest_per_holder_claim_so_none_can_be_counted(kit: Kit) -> None:
    """With or without a photo, three digests: decoys pad what a person does not have."""
    with_photo = kit.sign(tvrh_document(holder_picture=PICTURE), "inm-1")
    without = kit.sign(tvrh_document(), "inm-1")
    for token in (with_photo, without):
        claims = jws.parse(token.split("~")[0]).claims
        assert len(claims["_sd"]) == 3 == len(set(claims["_sd"]))
    assert len(without.split("~")) - 2 == 2  # but only two disclosures to show
    assert kit.verifier().verify(without, NOW).valid
