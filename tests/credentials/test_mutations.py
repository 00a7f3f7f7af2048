"""Property: no changed byte, and no cut, makes a valid document out of a genuine one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corredor.documents.domain.credentials import Rejection
from tests.credentials.kit import NOW, standard_kit, travel_document, tvrh_document

KIT = standard_kit()
VERIFIER = KIT.verifier()
TOKENS = [
    KIT.sign(travel_document(), "cbp-1"),
    KIT.sign(tvrh_document(), "inm-1"),
]


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
def test_no_truncation_verifies(which: str, keep: int) -> None:
    keep %= len(which)
    verdict = VERIFIER.verify(which[:keep], NOW)
    assert not verdict.valid
    assert verdict.reason in {Rejection.TRUNCATED, Rejection.NOT_A_CREDENTIAL}


def test_every_single_character_change_of_the_signature_fails_exhaustively() -> None:
    """The last characters carry spare bits: without the canonical check some would pass."""
    token = TOKENS[0]
    start = token.rindex(".") + 1
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for position in range(start, len(token)):
        for character in alphabet:
            if character == token[position]:
                continue
            mutated = token[:position] + character + token[position + 1 :]
            assert not VERIFIER.verify(mutated, NOW).valid, (position, character)


def test_every_cut_of_a_document_is_refused_and_most_say_truncated() -> None:
    token = TOKENS[1]
    reasons = [VERIFIER.verify(token[:keep], NOW).reason for keep in range(len(token))]
    assert None not in reasons
    assert reasons.count(Rejection.TRUNCATED) > len(token) * 0.9
