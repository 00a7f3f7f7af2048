"""Property: no changed byte makes a valid document out of a genuine one, and a cut verifies
only where SD-JWT lets a holder cut: after a whole disclosure, showing less, never other."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corredor.documents.domain.credentials import Credential, Rejection
from tests.credentials.kit import (
    NOW,
    PICTURE,
    standard_kit,
    travel_document,
    tvrh_document,
)

KIT = standard_kit()
VERIFIER = KIT.verifier()
ORIGINALS = [travel_document(holder_picture=PICTURE), tvrh_document()]
TOKENS = [
    KIT.sign(ORIGINALS[0], "cbp-1"),
    KIT.sign(ORIGINALS[1], "inm-1"),
    KIT.sign_first_format(tvrh_document(), "inm-1"),  # documents of the first format circulate
]
PERSONAL = ("holder_name", "holder_birth_date", "holder_picture")


def shows_less_never_other(shown: Credential, original: Credential) -> bool:
    """Every personal claim is either the original's or withheld; the rest is unchanged."""
    for name in PERSONAL:
        if getattr(shown, name) not in (None, getattr(original, name)):
            return False
    return all(
        getattr(shown, name) == getattr(original, name)
        for name in Credential.__slots__
        if name not in PERSONAL
    )


def test_the_originals_verify() -> None:
    for token in TOKENS:
        assert VERIFIER.verify(token, NOW).valid


@settings(max_examples=3000, deadline=None)
@given(
    which=st.sampled_from(TOKENS),
    position=st.integers(min_value=0),
    byte=st.integers(min_value=0, max_value=255),
)
def test_no_single_byte_change_verifies(which: str, position: int, byte: int) -> None:
    raw = bytearray(which.encode("ascii"))
    position %= len(raw)
    if raw[position] == byte:
        byte = (byte + 1) % 256
    raw[position] = byte
    mutated = raw.decode("latin-1")
    verdict = VERIFIER.verify(mutated, NOW)
    assert not verdict.valid, f"byte {position} -> {byte} still verifies"
    assert verdict.reason is not None


@settings(max_examples=600, deadline=None)
@given(which=st.sampled_from(TOKENS), keep=st.integers(min_value=0))
def test_a_cut_verifies_only_after_a_whole_disclosure_and_then_shows_less(
    which: str, keep: int
) -> None:
    keep %= len(which)
    verdict = VERIFIER.verify(which[:keep], NOW)
    if not verdict.valid:
        assert verdict.reason in {Rejection.TRUNCATED, Rejection.NOT_A_CREDENTIAL}
        return
    assert which[keep - 1] == "~", "only a cut right after a disclosure may verify"
    assert verdict.credential is not None
    original = ORIGINALS[TOKENS.index(which)]
    assert shows_less_never_other(verdict.credential, original)


def test_every_single_character_change_of_the_signature_and_disclosures_fails_exhaustively() -> (
    None
):
    """The last characters of each part carry spare bits: without the canonical check some
    would pass."""
    token = TOKENS[0]
    start = token.rindex(".") + 1
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~"
    for position in range(start, len(token)):
        for character in alphabet:
            if character == token[position]:
                continue
            mutated = token[:position] + character + token[position + 1 :]
            assert not VERIFIER.verify(mutated, NOW).valid, (position, character)


def test_every_cut_of_a_document_is_refused_and_most_say_truncated() -> None:
    token = TOKENS[1]
    separators = [keep for keep in range(1, len(token)) if token[keep - 1] == "~"]
    verdicts = {keep: VERIFIER.verify(token[:keep], NOW) for keep in range(len(token))}
    reasons = [verdict.reason for verdict in verdicts.values()]
    # the cuts that verify are exactly the whole-disclosure ones, each showing less
    assert sorted(keep for keep, v in verdicts.items() if v.valid) == separators
    assert len(separators) == 2  # a TVRH without photo: after the JWT, after the first of two
    assert reasons.count(Rejection.TRUNCATED) > len(token) * 0.9


def test_every_cut_of_a_first_format_document_is_refused() -> None:
    token = TOKENS[2]
    reasons = [VERIFIER.verify(token[:keep], NOW).reason for keep in range(len(token))]
    assert None not in reasons
    assert reasons.count(Rejection.TRUNCATED) > len(token) * 0.9
