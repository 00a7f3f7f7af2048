"""What the comparisons add up to: a Fellegi-Sunter model that can be read line by line.

For every field and level the model holds m, the chance of that level when the two records are
the same person, and u, the chance when they are two different people. Each level adds
log2(m/u) to the match weight (positive: evidence for one person; negative: for two); a missing
field adds nothing. The prior is the chance that a new registration and one given record are
one person; it falls with the register's size (`prior_for`).
The posterior probability is what the officer sees as the score, with the levels that moved it
most as the reasons.

The m values are judgements, written down here and labelled as such: how often a desk writes
the same person's name the same way is not measured anywhere we can cite. The u values are
frequencies among pairs of different people and can be measured on the register itself
(`estimate_u`), which the batch scan does. benchmarks/dedupe.py reports what these choices give
on a synthetic register whose error rates are themselves assumptions.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from corredor.identity.domain.compare import Field, Level, compare
from corredor.identity.domain.record import PersonRecord

F, L = Field, Level


@dataclass(frozen=True, slots=True)
class Evidence:
    m: float  # P(level | same person): a judgement
    u: float  # P(level | different people): measurable
    reason: str  # what the officer reads

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


# (field, level) -> evidence. Each field's m values sum to 1, and so do its u values.
EVIDENCE: Final[dict[tuple[Field, Level], Evidence]] = {
    (F.GIVEN_NAMES, L.EXACT): Evidence(0.80, 0.010, "same given names"),
    (F.GIVEN_NAMES, L.SOUNDS_ALIKE): Evidence(0.13, 0.010, "given names sound alike"),
    (F.GIVEN_NAMES, L.WRITTEN_ALIKE): Evidence(0.04, 0.020, "given names written alike"),
    (F.GIVEN_NAMES, L.DIFFERENT): Evidence(0.03, 0.960, "different given names"),
    (F.FIRST_SURNAME, L.EXACT): Evidence(0.82, 0.005, "same surname"),
    (F.FIRST_SURNAME, L.SOUNDS_ALIKE): Evidence(0.11, 0.005, "surname sounds alike"),
    (F.FIRST_SURNAME, L.WRITTEN_ALIKE): Evidence(0.04, 0.010, "surname written alike"),
    (F.FIRST_SURNAME, L.DIFFERENT): Evidence(0.03, 0.980, "different surname"),
    (F.SECOND_SURNAME, L.EXACT): Evidence(0.65, 0.010, "same second surname"),
    (F.SECOND_SURNAME, L.WRITTEN_ALIKE): Evidence(0.05, 0.010, "second surname written alike"),
    (F.SECOND_SURNAME, L.MISSING_ON_ONE): Evidence(
        0.25, 0.300, "second surname missing on one record"
    ),
    (F.SECOND_SURNAME, L.DIFFERENT): Evidence(0.05, 0.680, "different second surname"),
    (F.BIRTH_DATE, L.EXACT): Evidence(0.90, 0.0001, "same birth date"),
    (F.BIRTH_DATE, L.DAY_MONTH_SWAPPED): Evidence(
        0.03, 0.0001, "birth date with day and month swapped"
    ),
    (F.BIRTH_DATE, L.ONE_PART_DIFFERS): Evidence(0.05, 0.0030, "birth date differs in one part"),
    (F.BIRTH_DATE, L.DIFFERENT): Evidence(0.02, 0.9968, "different birth date"),
    (F.NATIONALITY, L.EXACT): Evidence(0.97, 0.30, "same nationality"),
    (F.NATIONALITY, L.DIFFERENT): Evidence(0.03, 0.70, "different nationality"),
    (F.DOCUMENT, L.EXACT): Evidence(0.55, 0.000001, "same document number"),
    (F.DOCUMENT, L.ONE_CHARACTER_APART): Evidence(
        0.10, 0.00001, "document number differs by one character"
    ),
    (F.DOCUMENT, L.DIFFERENT): Evidence(0.35, 0.999989, "different document numbers"),
    (F.HOUSEHOLD, L.SHARED): Evidence(0.60, 0.01, "a family member in common"),
    (F.HOUSEHOLD, L.DIFFERENT): Evidence(0.40, 0.99, "no family member in common"),
}
# How often a new registration is a person the register already holds: one in ten is an
# assumption (no desk has measured it), labelled as one.
REGISTERING_AGAIN: Final = 0.1
# Up to this many persons the prior stays at its largest, so a small register (a new site, a
# test) is not swamped by a prior made for a handful of records.
SMALL_REGISTER: Final = 10_000
# The chance that a new registration and one given record are the same person, for a register
# of up to SMALL_REGISTER persons: 1e-5. See `prior_for`.
PRIOR: Final = REGISTERING_AGAIN / SMALL_REGISTER


def prior_for(register_size: int) -> float:
    """The prior for a register of this many persons. Pairs grow with the square of the
    register and duplicates only linearly, so the chance that a new registration is one given
    record falls as 1/N: a fixed prior of 1e-5, right at 10,000 persons, is about 100 times too
    high at 1,000,000 (measured: precision at 0.5 fell from 0.976 to 0.388)."""
    return REGISTERING_AGAIN / max(register_size, SMALL_REGISTER)


# A pair at or above this probability is shown to the officer as a possible duplicate.
THRESHOLD: Final = 0.5


@dataclass(frozen=True, slots=True)
class Reason:
    field: Field
    level: Level
    text: str
    weight: float  # bits of evidence: + for one person, - for two


@dataclass(frozen=True, slots=True)
class Match:
    person_id: str
    probability: float
    weight: float
    reasons: tuple[Reason, ...]  # strongest first


@dataclass(frozen=True, slots=True)
class Model:
    evidence: dict[tuple[Field, Level], Evidence]
    prior: float = PRIOR
    threshold: float = THRESHOLD

    def score(self, new: PersonRecord, known: PersonRecord) -> Match:
        weight = math.log2(self.prior / (1 - self.prior))
        reasons = []
        for field, level in compare(new, known).items():
            if level is None:
                continue
            evidence = self.evidence[(field, level)]
            weight += evidence.weight
            reasons.append(Reason(field, level, evidence.reason, round(evidence.weight, 2)))
        reasons.sort(key=lambda r: -abs(r.weight))
        return Match(known.person_id, _probability(weight), round(weight, 2), tuple(reasons))

    def matches(self, new: PersonRecord, candidates: Sequence[PersonRecord]) -> list[Match]:
        """The candidates at or above the threshold, most likely first."""
        scored = (self.score(new, c) for c in candidates if c.person_id != new.person_id)
        kept = [m for m in scored if m.probability >= self.threshold]
        return sorted(kept, key=lambda m: (-m.probability, m.person_id))

    def for_register(self, register_size: int) -> Model:
        """The same model with the prior for a register of this many persons."""
        return replace(self, prior=prior_for(register_size))

    def with_u(self, u: dict[tuple[Field, Level], float]) -> Model:
        """The same judgements (m) with u values measured on a register."""
        return replace(
            self, evidence={k: replace(e, u=u.get(k, e.u)) for k, e in self.evidence.items()}
        )


def _probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds: float = 2.0**weight
    return odds / (1 + odds)


DEFAULT_MODEL: Final = Model(EVIDENCE)


def estimate_u(
    records: Sequence[PersonRecord], rng: random.Random, pairs: int = 100_000
) -> dict[tuple[Field, Level], float]:
    """Each level's frequency among random pairs of records, which are almost all different
    people: the u values. A level never seen keeps a floor of one in `pairs` (a frequency of
    zero would make its weight infinite)."""
    counts: Counter[tuple[Field, Level]] = Counter()
    seen: Counter[Field] = Counter()
    if len(records) < 2:
        return {}
    for _ in range(pairs):
        a, b = rng.sample(range(len(records)), 2)
        for field, level in compare(records[a], records[b]).items():
            if level is not None:
                counts[(field, level)] += 1
                seen[field] += 1
    floor = 1 / pairs
    return {
        (field, level): max(counts[(field, level)] / seen[field], floor) if seen[field] else floor
        for (field, level) in EVIDENCE
    }
