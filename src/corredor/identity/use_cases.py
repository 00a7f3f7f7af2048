"""What the API, the pages and the CLI do with possible duplicates: each use case opens its own
unit of work, checks the caller's permission and writes the audit log in the same transaction.

Nothing is ever merged by itself. The matching proposes; an INM officer decides whether two
records are one person, two people, or a question for review; the decision is audited and shown
on both cases' timelines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import combinations

from sqlalchemy.orm import Session

from corredor.cases.records import case_ids as all_case_ids
from corredor.cases.records import load_case, note_on_timeline, persons_by_id
from corredor.identity import register
from corredor.identity.domain.blocking import blocking_keys
from corredor.identity.domain.model import DEFAULT_MODEL
from corredor.identity.domain.record import PersonRecord
from corredor.identity.schemas import (
    DuplicateDecisionIn,
    DuplicateDecisionOut,
    PossibleDuplicateOut,
    ReviewRow,
)
from corredor.identity.tables import DuplicateDecision
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput, NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor, new_id, now

OPERATOR = audit.Actor(user_id=None, role="operator")  # the command line, run by an operator


def _person_records(p: Platform, s: Session, person_id: str) -> tuple[str, PersonRecord]:
    rows = persons_by_id(s, [person_id])
    if not rows:
        raise NotFound(f"no person {person_id}")
    case_id = rows[0].case_id
    [record] = [r for r in register.household_records(p, s, case_id) if r.person_id == person_id]
    return case_id, record


def possible_duplicates_of(
    p: Platform, who: Principal, person_id: str
) -> list[PossibleDuplicateOut]:
    """The registered persons who may be this one, with score and reasons (ids, no names)."""
    who.require(Permission.PERSON_MATCH_READ)
    with unit_of_work(p) as s:
        case_id, record = _person_records(p, s, person_id)
        found = register.possible_duplicates(p, s, [record], outside_case=case_id)
        audit.append(
            s,
            actor(s, who),
            AuditTag.PERSON_MATCH_READ,
            case_id=case_id,
            detail={"person_id": person_id, "possible_duplicates": len(found)},
        )
        return found


def decide_duplicate(
    p: Platform, who: Principal, person_id: str, body: DuplicateDecisionIn
) -> Command[DuplicateDecisionOut]:
    return Command(
        operation=f"person:{person_id}:duplicate_decision",
        payload=body.model_dump(mode="json"),
        output=DuplicateDecisionOut,
        run=lambda s: _decide(p, s, who, person_id, body),
    )


def _decide(
    p: Platform, s: Session, who: Principal, person_id: str, body: DuplicateDecisionIn
) -> DuplicateDecisionOut:
    who.require(Permission.PERSON_MATCH_DECIDE)
    case_id, record = _person_records(p, s, person_id)
    proposed = {
        d.matches_person_id: d
        for d in register.possible_duplicates(p, s, [record], outside_case=case_id)
    }
    already = register.decided_pairs(s, person_id)
    if body.other_person_id not in proposed and body.other_person_id not in already:
        # Only a pair the matching proposed (or one decided before) can be decided: an officer
        # cannot link two records the evidence does not bring together.
        raise InvalidInput(
            "other_person_id", "not a possible duplicate of this person; look them up first"
        )
    other_case_id = register.cases_of_persons(s, [body.other_person_id])[body.other_person_id]
    score = proposed[body.other_person_id].score if body.other_person_id in proposed else 0.0
    row = DuplicateDecision(
        id=new_id(),
        person_id=person_id,
        other_person_id=body.other_person_id,
        decision=body.decision,
        score=f"{score:.3f}",
        note=body.note,
        decided_by=who.user_id,
        decided_at=now(),
    )
    s.add(row)
    for this, other in ((case_id, other_case_id), (other_case_id, case_id)):
        note_on_timeline(
            s,
            who,
            load_case(s, this),
            "duplicate_decided",
            {"decision": body.decision, "other_case_id": other, "score": row.score},
        )
    audit.append(
        s,
        actor(s, who),
        AuditTag.PERSON_MATCH_DECIDE,
        case_id=case_id,
        detail={
            "person_id": person_id,
            "other_person_id": body.other_person_id,
            "other_case_id": other_case_id,
            "decision": body.decision,
            "score": row.score,
        },
    )
    s.flush()
    return DuplicateDecisionOut(
        id=row.id,
        person_id=person_id,
        other_person_id=body.other_person_id,
        decision=body.decision,
        score=score,
        note=body.note,
        decided_by=who.user_id,
        decided_at=row.decided_at,
    )


def scan_register(
    p: Platform, *, progress: Callable[[int, int], None] | None = None
) -> list[ReviewRow]:
    """The whole register against itself: every case re-indexed (so records written before the
    matching existed are found too), every pair sharing a blocking key scored, the pairs at or
    above the threshold returned for review. Audited with its counts."""
    with unit_of_work(p) as s:
        ids = all_case_ids(s)
        records: dict[str, PersonRecord] = {}
        case_of: dict[str, str] = {}
        for done, case_id in enumerate(ids, start=1):
            for record in register.index_case(p, s, case_id):
                records[record.person_id] = record
                case_of[record.person_id] = case_id
            if progress is not None:
                progress(done, len(ids))
        blocks: dict[str, list[str]] = defaultdict(list)
        for person_id, record in records.items():
            for key in blocking_keys(record):
                blocks[key].append(person_id)
        pairs = {
            tuple(sorted(pair))
            for members in blocks.values()
            for pair in combinations(members, 2)
            if case_of[pair[0]] != case_of[pair[1]]
        }
        rows = []
        for a, b in sorted(pairs):
            match = DEFAULT_MODEL.score(records[a], records[b])
            if match.probability >= DEFAULT_MODEL.threshold:
                rows.append(
                    ReviewRow(
                        person_id=a,
                        case_id=case_of[a],
                        other_person_id=b,
                        other_case_id=case_of[b],
                        score=round(match.probability, 3),
                        reasons="; ".join(r.text for r in match.reasons),
                    )
                )
        audit.append(
            s,
            OPERATOR,
            AuditTag.PERSON_MATCH_SCAN,
            detail={"cases": len(ids), "persons": len(records), "pairs": len(rows)},
        )
        return sorted(rows, key=lambda r: (-r.score, r.person_id, r.other_person_id))
