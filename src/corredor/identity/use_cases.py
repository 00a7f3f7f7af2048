"""What the API, the pages and the CLI do with possible duplicates: each use case opens its own
unit of work, checks the caller's permission and writes the audit log in the same transaction.

Nothing is ever merged by itself. The matching proposes; an INM officer decides whether two
records are one person, two people, or a question for review; the decision is audited and shown
on both cases' timelines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from itertools import combinations
from typing import Final

from sqlalchemy.orm import Session

from corredor.cases.records import (
    case_actor,
    load_case,
    note_on_timeline,
    persons_by_id,
    persons_of,
    visible_case,
)
from corredor.cases.records import case_ids as all_case_ids
from corredor.identity import photos, register
from corredor.identity.domain.blocking import blocking_keys
from corredor.identity.domain.model import DEFAULT_MODEL
from corredor.identity.domain.portrait import NormalisedPhoto, PhotoRefused, normalise
from corredor.identity.domain.record import PersonRecord
from corredor.identity.schemas import (
    DuplicateDecisionIn,
    DuplicateDecisionOut,
    PhotoOut,
    PossibleDuplicateOut,
    ReviewRow,
)
from corredor.identity.tables import DuplicateDecision
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.data_keys import PersonErased, data_keys
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput, NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor, new_id, now

OPERATOR = audit.Actor(user_id=None, role="operator")  # the command line, run by an operator
# The consent wording the desk shows before a photo is taken (the pages' text, in each
# language); a new wording gets a new version, and each photo records the one it was taken under.
CONSENT_TEXT_VERSION: Final = "photo-consent-1"


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
        model = DEFAULT_MODEL.for_register(len(records))
        for a, b in sorted(pairs):
            match = model.score(records[a], records[b])
            if match.probability >= model.threshold:
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


# ---- holders' photos ----


def _person_at(s: Session, case_id: str, position: int) -> str:
    found = [x.id for x in persons_of(s, case_id) if x.position == position]
    if not found:
        raise NotFound(f"no person at position {position} in case {case_id}")
    return found[0]


def _checked(who: Principal, data: bytes, consent: bool) -> NormalisedPhoto:
    who.require(Permission.PERSON_PHOTO_CAPTURE)
    if not consent:
        raise InvalidInput("consent", "the person's consent is required before their photo is kept")
    try:
        return normalise(data)
    except PhotoRefused as refused:
        raise InvalidInput(refused.field, refused.message) from refused


def _keep(
    p: Platform, s: Session, who: Principal, case_id: str, position: int, *, photo: NormalisedPhoto
) -> PhotoOut:
    case = visible_case(s, who, case_id, Permission.PERSON_PHOTO_CAPTURE)
    person_id = _person_at(s, case_id, position)
    if (erased_at := data_keys(s, p.cipher).erased_at(person_id)) is not None:
        raise PersonErased(person_id, erased_at)
    at = p.now()
    replaced = photos.store(
        p,
        s,
        person_id,
        photo,
        consent_by=who.user_id,
        consent_text_version=CONSENT_TEXT_VERSION,
        at=at,
    )
    audit.append(
        s,
        case_actor(s, who, case),
        AuditTag.PERSON_PHOTO_REPLACE if replaced else AuditTag.PERSON_PHOTO_CAPTURE,
        case_id=case_id,
        detail={
            "person_id": person_id,
            "position": position,
            "consent_text_version": CONSENT_TEXT_VERSION,
            "printed_bytes": len(photo.printed),
            "thumbnail_bytes": len(photo.thumbnail),
        },
        at=at,
    )
    return PhotoOut(
        person_position=position,
        captured_at=at,
        printed_bytes=len(photo.printed),
        thumbnail_bytes=len(photo.thumbnail),
        replaced=replaced,
        consent_text_version=CONSENT_TEXT_VERSION,
    )


def capture_photo(
    p: Platform, who: Principal, case_id: str, position: int, *, data: bytes, consent: bool
) -> PhotoOut:
    """Keep the photo the INM desk took of a person of the case, with their consent: checked
    and cut to the card's two sizes (`identity.domain.portrait`), sealed under the person's key.
    Taking it again replaces it. Audited (a capture, or a replacement). The photo is checked
    before the transaction opens."""
    photo = _checked(who, data, consent)
    with unit_of_work(p) as s:
        return _keep(p, s, who, case_id, position, photo=photo)


def capture_photo_step(
    p: Platform, who: Principal, case_id: str, position: int, *, data: bytes, consent: bool
) -> Callable[[Session], PhotoOut]:
    """The same capture as a step of the caller's unit of work (the demo photographs its sample
    family's first person between registering them and issuing their card)."""
    photo = _checked(who, data, consent)
    return lambda s: _keep(p, s, who, case_id, position, photo=photo)


def photo_of(p: Platform, who: Principal, case_id: str, position: int) -> bytes:
    """The printed photo (JPEG) of a person of the case: for staff who may read the case, and
    for the applicant whose case it is. Audited; `NotFound` when none was taken."""
    who.require(Permission.PERSON_PHOTO_READ)
    with unit_of_work(p) as s:
        case = visible_case(s, who, case_id, Permission.PERSON_PHOTO_READ)
        person_id = _person_at(s, case_id, position)
        found = photos.stored(p, s, person_id)
        if found is None:
            raise NotFound(f"no photo of the person at position {position}")
        audit.append(
            s,
            case_actor(s, who, case),
            AuditTag.PERSON_PHOTO_READ,
            case_id=case_id,
            detail={"person_id": person_id, "position": position},
        )
        return found.printed


def photos_taken(p: Platform, who: Principal, case_id: str) -> dict[int, datetime]:
    """When each person of the case (by position) had their photo taken; nothing is opened."""
    who.require(Permission.PERSON_PHOTO_READ)
    with unit_of_work(p) as s:
        visible_case(s, who, case_id, Permission.PERSON_PHOTO_READ)
        people = {x.id: x.position for x in persons_of(s, case_id)}
        return {people[i]: at for i, at in photos.taken(s, people).items()}
