"""Matching inside the caller's unit of work: the steps the cases take when they register a
person (index them, find who they may already be) or issue a TVRH (no second card for one
person).

Names, dates and numbers are decrypted here, in the service, for the time of a comparison; what
is stored is only the blocking keys' HMACs and the officers' decisions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from corredor.cases.records import (
    count_persons,
    person_view,
    persons_by_id,
    persons_of,
    persons_of_cases,
)
from corredor.cases.schemas import DuplicateReasonOut, PersonOut, PossibleDuplicateOut
from corredor.identity import photos
from corredor.identity.domain.blocking import blocking_keys
from corredor.identity.domain.model import DEFAULT_MODEL, Match
from corredor.identity.domain.record import PersonRecord
from corredor.identity.tables import DuplicateDecision, PersonMatchKey
from corredor.kernel.data_keys import data_keys
from corredor.platform import Platform

SAME, DIFFERENT, REVIEW = "same", "different", "review"
# A registration is compared with at most this many candidates, those sharing the most blocking
# keys: a block swollen by one common name and birth date (or by someone registering the same
# made-up person again and again) cannot make each registration read thousands of records.
MAX_CANDIDATES: Final = 50


def record_of(person: PersonOut, household: Sequence[PersonOut]) -> PersonRecord:
    return PersonRecord.of(
        person.id,
        given_names=person.given_names,
        first_surname=person.first_surname,
        second_surname=person.second_surname,
        birth_date=person.birth_date,
        nationality=person.nationality,
        documents=(person.document_number,) if person.document_number else (),
        household=tuple(
            (other.given_names, other.birth_date) for other in household if other.id != person.id
        ),
    )


def household_records(p: Platform, s: Session, case_id: str) -> list[PersonRecord]:
    """The household's persons as matching sees them; an erased person is no one to match."""
    people = [
        view
        for person in persons_of(s, case_id)
        if isinstance(view := person_view(p, person), PersonOut)
    ]
    return [record_of(person, people) for person in people]


def forget(s: Session, person_id: str) -> None:
    """An erased person's blocking keys go with their data (the keyed hashes would still link
    their records to a new registration), and so does their photo (sealed under the key the
    erasure destroys: unreadable already, and nothing of it is kept)."""
    s.execute(delete(PersonMatchKey).where(PersonMatchKey.person_id == person_id))
    photos.forget(s, person_id)


def index_case(p: Platform, s: Session, case_id: str) -> list[PersonRecord]:
    """(Re)write the blocking keys of every person of a case; the household's records, read
    once for it, are what the caller matches next."""
    records = household_records(p, s, case_id)
    ids = [r.person_id for r in records]
    s.execute(delete(PersonMatchKey).where(PersonMatchKey.person_id.in_(ids)))
    s.add_all(
        PersonMatchKey(person_id=r.person_id, key=p.lookup.digest(key))
        for r in records
        for key in sorted(blocking_keys(r))
    )
    s.flush()
    return records


# The prior needs the register's order of magnitude, not its exact size, and counting a million
# persons costs about 20 ms on SQLite: each process counts again every RECOUNT_EVERY look-ups.
RECOUNT_EVERY: Final = 500


@dataclass
class _Counted:
    persons: int
    uses: int = 0


_SIZES: dict[str, _Counted] = {}  # by database: the count is the register's, not a process's


def register_size(p: Platform, s: Session) -> int:
    """How many persons the register holds, as of at most RECOUNT_EVERY look-ups ago."""
    counted = _SIZES.get(p.db.url)
    if counted is None or counted.uses >= RECOUNT_EVERY:
        counted = _SIZES[p.db.url] = _Counted(count_persons(s))
    counted.uses += 1
    return counted.persons


def possible_duplicates(
    p: Platform, s: Session, records: Iterable[PersonRecord], *, outside_case: str
) -> list[PossibleDuplicateOut]:
    """For each record, the persons of other cases the model finds at or above its threshold,
    except pairs an officer already decided are two people."""
    found: list[PossibleDuplicateOut] = []
    own = [person.id for person in persons_of(s, outside_case)]
    model = DEFAULT_MODEL.for_register(register_size(p, s))
    for record in records:
        keys = [p.lookup.digest(key) for key in blocking_keys(record)]
        shared = func.count()
        candidates = set(
            s.scalars(
                select(PersonMatchKey.person_id)
                .where(PersonMatchKey.key.in_(keys), PersonMatchKey.person_id.not_in(own))
                .group_by(PersonMatchKey.person_id)
                .order_by(shared.desc(), PersonMatchKey.person_id)
                .limit(MAX_CANDIDATES)
            )
        )
        decided = decided_pairs(s, record.person_id)
        by_case: dict[str, list[str]] = defaultdict(list)
        for row in persons_by_id(s, sorted(candidates)):
            if row.case_id != outside_case:
                by_case[row.case_id].append(row.id)
        # their households' keys in two queries, not two per person
        data_keys(s, p.cipher).prefetch(
            person.id for person in persons_of_cases(s, sorted(by_case))
        )
        known: list[PersonRecord] = []
        case_of: dict[str, str] = {}
        with data_keys(s, p.cipher).read_aside():  # compared here, never answered
            for case_id in by_case:
                for other in household_records(p, s, case_id):
                    if other.person_id in candidates:
                        known.append(other)
                        case_of[other.person_id] = case_id
        for match in model.matches(record, known):
            if decided.get(match.person_id) == DIFFERENT:
                continue
            found.append(_out(record.person_id, case_of[match.person_id], match))
    return found


def _out(person_id: str, case_id: str, match: Match) -> PossibleDuplicateOut:
    return PossibleDuplicateOut(
        person_id=person_id,
        matches_person_id=match.person_id,
        case_id=case_id,
        score=round(match.probability, 3),
        reasons=[
            DuplicateReasonOut(field=r.field, level=r.level, text=r.text, weight=r.weight)
            for r in match.reasons
        ],
    )


def decided_pairs(s: Session, person_id: str) -> dict[str, str]:
    """The latest decision on each pair this person is in, by the other person's id."""
    rows = s.execute(
        select(DuplicateDecision)
        .where(
            (DuplicateDecision.person_id == person_id)
            | (DuplicateDecision.other_person_id == person_id)
        )
        .order_by(DuplicateDecision.decided_at, DuplicateDecision.id)
    ).scalars()
    latest: dict[str, str] = {}
    for row in rows:
        other = row.other_person_id if row.person_id == person_id else row.person_id
        latest[other] = row.decision
    return latest


def same_person_elsewhere(s: Session, case_id: str) -> tuple[list[str], list[str]]:
    """The persons of other cases an officer decided are one of this case's persons, and those
    referred for review (latest decision per pair)."""
    same: list[str] = []
    review: list[str] = []
    for person in persons_of(s, case_id):
        for other, decision in decided_pairs(s, person.id).items():
            (same if decision == SAME else review if decision == REVIEW else []).append(other)
    return same, review


def cases_of_persons(s: Session, person_ids: list[str]) -> dict[str, str]:
    return {row.id: row.case_id for row in persons_by_id(s, person_ids)}
