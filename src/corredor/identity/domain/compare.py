"""How two records compare, field by field, as a small set of named levels.

Each comparison returns one level (or None when a side is missing, which says nothing either
way). Levels run from the strongest agreement to disagreement; the model gives each its weight
and the reason a person reads ("surname sounds alike").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Final

from rapidfuzz.distance import JaroWinkler, Levenshtein

from corredor.identity.domain.names import joined, sound_key
from corredor.identity.domain.record import PersonRecord

# Above this Jaro-Winkler similarity two folded names are "written alike" (one or two letters
# apart in a name of usual length); below it, different. Chosen on the synthetic register of
# benchmarks/dedupe.py, whose error model is an assumption, not a measurement of real desks.
SIMILAR_NAME: Final = 0.88


class Field(StrEnum):
    GIVEN_NAMES = "given_names"
    FIRST_SURNAME = "first_surname"
    SECOND_SURNAME = "second_surname"
    BIRTH_DATE = "birth_date"
    NATIONALITY = "nationality"
    DOCUMENT = "document"
    HOUSEHOLD = "household"


class Level(StrEnum):
    EXACT = "exact"
    SOUNDS_ALIKE = "sounds_alike"
    WRITTEN_ALIKE = "written_alike"
    DIFFERENT = "different"
    MISSING_ON_ONE = "missing_on_one"  # e.g. the second surname dropped on one record
    DAY_MONTH_SWAPPED = "day_month_swapped"
    ONE_PART_DIFFERS = "one_part_differs"  # same two of day, month, year
    ONE_CHARACTER_APART = "one_character_apart"
    SHARED = "shared"  # a household member in common


def _names(a: tuple[str, ...], b: tuple[str, ...]) -> Level | None:
    if not a or not b:
        return None
    if a == b:
        return Level.EXACT
    sounds_a, sounds_b = [sound_key(w) for w in a], [sound_key(w) for w in b]
    # "Jean Baptiste" and "Jean": the shorter is the start of the longer, sound for sound.
    shorter, longer = sorted((sounds_a, sounds_b), key=len)
    if longer[: len(shorter)] == shorter:
        return Level.SOUNDS_ALIKE
    # A typo, in the whole name or in the first word when the other words were dropped
    # ("Eduardo Carmen" / "Edurado").
    if max(JaroWinkler.similarity(joined(a), joined(b)), JaroWinkler.similarity(a[0], b[0])) >= (
        SIMILAR_NAME
    ):
        return Level.WRITTEN_ALIKE
    return Level.DIFFERENT


def given_names(a: PersonRecord, b: PersonRecord) -> Level | None:
    return _names(a.given_names, b.given_names)


def first_surname(a: PersonRecord, b: PersonRecord) -> Level | None:
    level = _names(a.first_surname, b.first_surname)
    # Surnames recorded in the other order ("Pérez García" / "García Pérez").
    swapped = (
        level == Level.DIFFERENT
        and a.second_surname
        and b.second_surname
        and _names(a.first_surname, b.second_surname) in (Level.EXACT, Level.SOUNDS_ALIKE)
    )
    return Level.SOUNDS_ALIKE if swapped else level


def second_surname(a: PersonRecord, b: PersonRecord) -> Level | None:
    if not a.second_surname and not b.second_surname:
        return None
    if not a.second_surname or not b.second_surname:
        return Level.MISSING_ON_ONE
    level = _names(a.second_surname, b.second_surname)
    if level in (Level.EXACT, Level.SOUNDS_ALIKE):
        return Level.EXACT
    if level == Level.WRITTEN_ALIKE:
        return Level.WRITTEN_ALIKE
    if _names(a.second_surname, b.first_surname) in (Level.EXACT, Level.SOUNDS_ALIKE):
        return Level.EXACT  # the other order, counted once already on the first surname
    return Level.DIFFERENT


def birth_date(a: PersonRecord, b: PersonRecord) -> Level | None:
    x, y = a.birth_date, b.birth_date
    if x is None or y is None:
        return None
    if x == y:
        return Level.EXACT
    if x.year == y.year and x.day == y.month and x.month == y.day:
        return Level.DAY_MONTH_SWAPPED
    if sum(p == q for p, q in zip(_parts(x), _parts(y), strict=True)) == 2:
        return Level.ONE_PART_DIFFERS
    return Level.DIFFERENT


def _parts(day: date) -> tuple[int, int, int]:
    return (day.year, day.month, day.day)


def nationality(a: PersonRecord, b: PersonRecord) -> Level | None:
    if a.nationality is None or b.nationality is None:
        return None
    return Level.EXACT if a.nationality == b.nationality else Level.DIFFERENT


def document(a: PersonRecord, b: PersonRecord) -> Level | None:
    if not a.documents or not b.documents:
        return None
    if a.documents & b.documents:
        return Level.EXACT
    if any(
        Levenshtein.distance(x, y, score_cutoff=1) <= 1 for x in a.documents for y in b.documents
    ):
        return Level.ONE_CHARACTER_APART
    return Level.DIFFERENT


def household(a: PersonRecord, b: PersonRecord) -> Level | None:
    if not a.household or not b.household:
        return None
    return Level.SHARED if a.household & b.household else Level.DIFFERENT


COMPARISONS: Final[dict[Field, Callable[[PersonRecord, PersonRecord], Level | None]]] = {
    Field.GIVEN_NAMES: given_names,
    Field.FIRST_SURNAME: first_surname,
    Field.SECOND_SURNAME: second_surname,
    Field.BIRTH_DATE: birth_date,
    Field.NATIONALITY: nationality,
    Field.DOCUMENT: document,
    Field.HOUSEHOLD: household,
}


def compare(a: PersonRecord, b: PersonRecord) -> dict[Field, Level | None]:
    return {name: how(a, b) for name, how in COMPARISONS.items()}
