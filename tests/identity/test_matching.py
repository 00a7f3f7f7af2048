"""Person matching: the registrations the desk gets wrong are still found, families are not merged,
and every score comes with the reasons an officer can check."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corredor.identity.domain.blocking import blocking_keys
from corredor.identity.domain.compare import Field, Level, compare
from corredor.identity.domain.model import DEFAULT_MODEL, EVIDENCE, PRIOR, Model, prior_for
from corredor.identity.domain.names import fold, sound_key, tokens
from corredor.identity.domain.record import PersonRecord

BORN = date(1990, 3, 7)


def jean_baptiste(person_id: str = "first", **changes: object) -> PersonRecord:
    parts: dict[str, object] = {
        "given_names": "Jean-Baptiste",
        "first_surname": "Pierre",
        "birth_date": BORN,
        "nationality": "HT",
        "documents": ("HT1234567",),
    } | changes
    return PersonRecord.of(person_id, **parts)  # type: ignore[arg-type]


def maria(person_id: str = "first", **changes: object) -> PersonRecord:
    parts: dict[str, object] = {
        "given_names": "María José",
        "first_surname": "Hernández",
        "second_surname": "García",
        "birth_date": date(1985, 11, 4),
        "nationality": "HN",
        "documents": ("E1234567",),
    } | changes
    return PersonRecord.of(person_id, **parts)  # type: ignore[arg-type]


def test_names_are_folded_and_creole_spellings_read_as_french() -> None:
    assert fold("Jean-Baptiste  PÉREZ") == "jean baptiste perez"
    assert tokens("Pyè Jozèf") == ("pierre", "joseph")
    assert sound_key("vasquez") == sound_key("basques") != sound_key("pierre")


@pytest.mark.parametrize(
    ("first", "again", "why"),
    [
        (jean_baptiste(), jean_baptiste("again"), "an exact repeat"),
        (jean_baptiste(), jean_baptiste("again", given_names="Jean Batiste"), "a typo"),
        (
            jean_baptiste(),
            jean_baptiste("again", given_names="Jan Batis", first_surname="Pyè"),
            "Creole spelling",
        ),
        (jean_baptiste(), jean_baptiste("again", birth_date=date(1990, 7, 3)), "day/month swap"),
        (jean_baptiste(), jean_baptiste("again", documents=("HT1234568",)), "passport typo"),
        (jean_baptiste(), jean_baptiste("again", documents=()), "no passport the second time"),
        (maria(), maria("again", second_surname=""), "the second surname dropped"),
        (maria(), maria("again", given_names="Maria", documents=()), "accents lost, name dropped"),
        (
            maria(),
            maria("again", first_surname="García", second_surname="Hernández"),
            "surnames in the other order",
        ),
        (maria(), maria("again", birth_date=date(1986, 11, 4), documents=()), "wrong year"),
    ],
)
def test_a_second_registration_with_the_usual_errors_is_found(
    first: PersonRecord, again: PersonRecord, why: str
) -> None:
    assert blocking_keys(first) & blocking_keys(again), why
    [match] = DEFAULT_MODEL.matches(again, [first])
    assert match.person_id == "first"
    assert match.probability >= DEFAULT_MODEL.threshold, why


def test_siblings_and_namesakes_are_not_matched() -> None:
    brother = PersonRecord.of(
        "brother",
        given_names="Wilner",
        first_surname="Pierre",
        birth_date=date(1994, 1, 20),
        nationality="HT",
        documents=("HT7654321",),
        household=(("Jean-Baptiste", BORN),),
    )
    namesake = jean_baptiste("namesake", birth_date=date(1971, 8, 30), documents=("HT5550001",))
    assert DEFAULT_MODEL.matches(jean_baptiste(), [brother, namesake]) == []


def test_the_reasons_say_why_strongest_first() -> None:
    again = jean_baptiste("again", first_surname="Piere", documents=("HT1234568",))
    match = DEFAULT_MODEL.score(again, jean_baptiste())
    texts = [reason.text for reason in match.reasons]
    assert set(texts[:2]) == {"same birth date", "document number differs by one character"}
    assert "surname sounds alike" in texts
    weights = [abs(reason.weight) for reason in match.reasons]
    assert weights == sorted(weights, reverse=True)


def test_a_missing_field_says_nothing_either_way() -> None:
    levels = compare(jean_baptiste(documents=()), jean_baptiste("b", nationality=None))
    assert levels[Field.DOCUMENT] is None
    assert levels[Field.NATIONALITY] is None
    assert levels[Field.BIRTH_DATE] == Level.EXACT


def test_every_field_has_m_and_u_summing_to_one() -> None:
    for field in Field:
        rows = [e for (f, _), e in EVIDENCE.items() if f == field]
        assert sum(e.m for e in rows) == pytest.approx(1.0), field
        assert sum(e.u for e in rows) == pytest.approx(1.0), field


def test_a_stricter_threshold_keeps_fewer() -> None:
    again = jean_baptiste("again", documents=(), nationality=None, first_surname="Piere")
    loose, strict = Model(EVIDENCE, threshold=0.5), Model(EVIDENCE, threshold=0.999999)
    assert loose.matches(again, [jean_baptiste()])
    assert strict.matches(again, [jean_baptiste()]) == []


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèáíóúñç -", min_size=1, max_size=20).filter(
    lambda s: fold(s) != ""
)


@given(names, names, st.dates(date(1920, 1, 1), date(2026, 12, 1)))
def test_a_record_and_its_day_month_swap_always_share_a_block(
    given_name: str, surname: str, born: date
) -> None:
    record = PersonRecord.of("a", given_names=given_name, first_surname=surname, birth_date=born)
    if born.day > 12:
        return
    swapped = PersonRecord.of(
        "b",
        given_names=given_name,
        first_surname=surname,
        birth_date=date(born.year, born.day, born.month),
    )
    assert blocking_keys(record) & blocking_keys(swapped)


@given(names, names, st.dates(date(1920, 1, 1), date(2026, 12, 1)))
def test_scoring_is_symmetric(given_name: str, surname: str, born: date) -> None:
    a = PersonRecord.of("a", given_names=given_name, first_surname=surname, birth_date=born)
    b = PersonRecord.of("b", given_names=given_name + "x", first_surname=surname, birth_date=born)
    assert DEFAULT_MODEL.score(a, b).weight == DEFAULT_MODEL.score(b, a).weight


def test_the_prior_falls_with_the_registers_size_and_stays_put_for_small_ones() -> None:
    """Pairs grow as N squared, duplicates as N: the prior is REGISTERING_AGAIN / N, at most
    1e-5 (a register of 10,000 or fewer)."""
    assert prior_for(10) == prior_for(10_000) == PRIOR == 1e-5
    assert prior_for(100_000) == pytest.approx(1e-6)
    assert prior_for(1_000_000) == pytest.approx(1e-7)
    same_day_namesakes = (
        PersonRecord.of(
            "a", given_names="Jean", first_surname="Pierre", birth_date=date(1990, 1, 1)
        ),
        PersonRecord.of(
            "b", given_names="Jean", first_surname="Pierre", birth_date=date(1990, 1, 1)
        ),
    )
    small = DEFAULT_MODEL.for_register(5_000).score(*same_day_namesakes)
    large = DEFAULT_MODEL.for_register(1_000_000).score(*same_day_namesakes)
    assert large.probability < small.probability
    assert large.weight == pytest.approx(small.weight - math.log2(100), abs=0.02)
