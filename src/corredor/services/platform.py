"""The platform's parts, wired once from settings, and the helpers every use case shares."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.cases.domain.vetting import Screening
from corredor.cases.domain.workflow import (
    Action,
    CaseKind,
    CaseState,
    GuardContext,
    WorkflowError,
    allowed_actions,
    permission_for,
    step,
)
from corredor.cases.reference import Reference, load_reference
from corredor.cases.tables import Case, CaseEvent, Decision, Grant, Person
from corredor.cases.vetting.watchlist import WatchlistScreening
from corredor.config import Settings
from corredor.domain.catalogue import Catalogue
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal, Tokens
from corredor.kernel.clock import utc_now
from corredor.kernel.crypto import FieldCipher, LookupHasher
from corredor.kernel.database import Database
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, NotFound
from corredor.policy_files import load_catalogue
from corredor.services.schemas import (
    CaseOut,
    CaseStatusOut,
    DecisionOut,
    DisclosureOut,
    GrantOut,
    PersonIn,
    PersonOut,
)
from corredor.sharing.tables import Consent, Disclosure


def new_id() -> str:
    return str(uuid.uuid4())


now = utc_now  # the wall clock in UTC, for timestamps; deadlines use `Platform.now`


@dataclass
class Platform:
    settings: Settings
    db: Database
    cipher: FieldCipher
    lookup: LookupHasher
    tokens: Tokens
    catalogue: Catalogue
    screening: Screening
    reference: Reference
    # The platform's clocks: every deadline (a window's close, a token's expiry, a TVRH's end)
    # is judged by these, so tests and replays set them instead of racing the wall clock.
    today: Callable[[], date] = field(default=date.today)
    now: Callable[[], datetime] = field(default=now)
    # Seconds for the rate limits' buckets; None: Redis's own clock (shared by every worker)
    # or, without Redis, the process's monotonic clock.
    limit_clock: Callable[[], float] | None = None

    def __post_init__(self) -> None:
        # late-bound, so that a clock set on the platform after it is built governs tokens too
        self.tokens.clock = lambda: self.now()  # noqa: PLW0108

    @classmethod
    def build(cls, settings: Settings, screening: Screening | None = None) -> Platform:
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            cipher=FieldCipher(settings.key_bytes(), settings.active_key_id),
            lookup=LookupHasher(settings.lookup_key),
            tokens=Tokens(settings.token_secret, settings.token_minutes),
            catalogue=load_catalogue(),
            screening=screening or WatchlistScreening.from_file(settings.watchlist_path),
            reference=load_reference(),
        )


# ---- loading, with scope ----


def load_case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def visible_case(session: Session, who: Principal, case_id: str, permission: Permission) -> Case:
    """The case, if the caller may see it. Others' cases are 'not found' to an applicant."""
    who.require(permission)
    case = load_case(session, case_id)
    if who.role is Role.APPLICANT and case.applicant_user_id != who.user_id:
        raise NotFound(f"no case {case_id}")
    return case


def persons_of(session: Session, case_id: str) -> list[Person]:
    return list(
        session.execute(select(Person).where(Person.case_id == case_id).order_by(Person.position))
        .scalars()
        .all()
    )


def principal_of(session: Session, case_id: str) -> Person:
    return persons_of(session, case_id)[0]


def decrypt_person(p: Platform, person: Person) -> PersonOut:
    document = (
        p.cipher.decrypt(person.document_number_enc, "persons.document_number")
        if person.document_number_enc
        else None
    )
    return PersonOut(
        id=person.id,
        relation=person.relation,
        name=p.cipher.decrypt(person.name_enc, "persons.name"),
        birth_date=date.fromisoformat(
            p.cipher.decrypt(person.birth_date_enc, "persons.birth_date")
        ),
        nationality=person.nationality,
        document_number=document,
    )


def encrypt_person(
    p: Platform, case_id: str, position: int, relation: str, person: PersonIn
) -> Person:
    document_number = person.document_number
    return Person(
        id=new_id(),
        case_id=case_id,
        position=position,
        relation=relation,
        nationality=person.nationality,
        name_enc=p.cipher.encrypt(person.name, "persons.name"),
        birth_date_enc=p.cipher.encrypt(person.birth_date.isoformat(), "persons.birth_date"),
        document_number_enc=(
            p.cipher.encrypt(document_number, "persons.document_number")
            if document_number
            else None
        ),
        document_hash=p.lookup.digest(document_number) if document_number else None,
    )


def active_disclosures(session: Session, case_id: str, recipient: str) -> list[Disclosure]:
    return list(
        session.execute(
            select(Disclosure)
            .join(Consent, Consent.id == Disclosure.consent_id)
            .where(
                Disclosure.case_id == case_id,
                Disclosure.recipient == recipient,
                Disclosure.revoked_at.is_(None),
                Consent.revoked_at.is_(None),
            )
        )
        .scalars()
        .all()
    )


# ---- acting on a case ----


def acting_for(session: Session, who: Principal, case: Case) -> str | None:
    """Whom a caseworker acts for: the case's principal person, recorded beside the caseworker."""
    if who.role is Role.CASEWORKER:
        return f"person:{principal_of(session, case.id).id}"
    return None


def actor(session: Session, who: Principal, case: Case | None = None) -> audit.Actor:
    behalf = acting_for(session, who, case) if case is not None else None
    return audit.Actor(user_id=who.user_id, role=str(who.role), on_behalf_of=behalf)


def advance(
    session: Session,
    who: Principal,
    case: Case,
    action: Action,
    *,
    context: GuardContext,
    data: dict[str, Any] | None = None,
) -> None:
    """Move a case one step through the workflow, recording its events and an audit entry."""
    kind = CaseKind(case.kind)
    who.require(permission_for(kind, action))
    try:
        taken = step(kind, CaseState(case.state), action, context)
    except WorkflowError as error:
        raise Conflict(
            str(error), state=str(error.state), allowed=[str(a) for a in error.allowed]
        ) from None
    case.state = str(taken.target)
    case.updated_at = now()
    behalf = acting_for(session, who, case)
    for name in taken.events:
        session.add(
            CaseEvent(
                case_id=case.id,
                name=name,
                state=case.state,
                actor_id=who.user_id,
                actor_role=str(who.role),
                on_behalf_of=behalf,
                data=data or {},
                at=now(),
            )
        )
    audit.append(
        session,
        audit.Actor(who.user_id, str(who.role), behalf),
        AuditTag.of("case", action),
        case_id=case.id,
        detail={"from": str(taken.source), "to": case.state, **(data or {})},
    )
    session.flush()


# ---- views ----


def grant_out(grant: Grant) -> GrantOut:
    return GrantOut(
        id=grant.id,
        kind=grant.kind,
        number=grant.number,
        valid_from=grant.valid_from,
        valid_until=grant.valid_until,
        details=grant.details,
    )


def decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        subject=decision.subject,
        outcome=decision.outcome,
        policy_id=decision.policy_id,
        policy_version=decision.policy_version,
        clauses=list(decision.clauses),
        reasons=list(decision.reasons),
        note=decision.note,
        decided_by=decision.decided_by,
        decided_at=audit.as_utc(decision.decided_at),
    )


def disclosure_out(disclosure: Disclosure, consent_active: bool) -> DisclosureOut:
    return DisclosureOut(
        id=disclosure.id,
        case_id=disclosure.case_id,
        consent_id=disclosure.consent_id,
        recipient=disclosure.recipient,
        purpose=disclosure.purpose,
        legal_basis=disclosure.legal_basis,
        fields=list(disclosure.fields),
        active=disclosure.revoked_at is None and consent_active,
        created_at=audit.as_utc(disclosure.created_at),
    )


def status_out(session: Session, case: Case) -> CaseStatusOut:
    def rows(model: Any, order: Any) -> list[Any]:
        query = select(model).where(model.case_id == case.id).order_by(order)
        return list(session.execute(query).scalars().all())

    consents = {c.id: c.revoked_at is None for c in rows(Consent, Consent.given_at)}
    size = len(persons_of(session, case.id))
    return CaseStatusOut(
        id=case.id,
        kind=case.kind,
        pathway_id=case.pathway_id,
        state=case.state,
        site_id=case.site_id,
        household_size=size,
        allowed_actions=[
            str(a) for a in allowed_actions(CaseKind(case.kind), CaseState(case.state))
        ],
        grants=[grant_out(g) for g in rows(Grant, Grant.granted_at)],
        decisions=[decision_out(d) for d in rows(Decision, Decision.decided_at)],
        disclosures=[
            disclosure_out(d, consents.get(d.consent_id, False))
            for d in rows(Disclosure, Disclosure.created_at)
        ],
        created_at=audit.as_utc(case.created_at),
        updated_at=audit.as_utc(case.updated_at),
    )


def full_out(p: Platform, session: Session, who: Principal, case: Case) -> CaseOut:
    """The case with its personal data; reading it is audited."""
    persons = [decrypt_person(p, person) for person in persons_of(session, case.id)]
    audit.append(
        session,
        actor(session, who, case),
        AuditTag.CASE_READ_PERSONAL_DATA,
        case_id=case.id,
        detail={"persons": len(persons), "fields": ["name", "birth_date", "document_number"]},
    )
    status = status_out(session, case)
    return CaseOut(**status.model_dump(), ground=case.facts.get("ground"), persons=persons)
