"""What auditors do with the audit log: read it in order, and verify its hash chain. The chain
itself (appending, hashing, verifying) is the kernel's (`kernel/audit.py`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy import select

from corredor.audit_trail.schemas import (
    AuditEntryOut,
    AuditFilter,
    AuditPage,
    CheckpointOut,
    CheckpointsOut,
    VerificationOut,
)
from corredor.config import Settings
from corredor.kernel import audit, audit_checkpoints
from corredor.kernel.auth import Principal
from corredor.kernel.database import Database
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput
from corredor.kernel.tables import AuditEntry
from corredor.kernel.unit_of_work import HasDatabase, unit_of_work


def audit_entries(p: HasDatabase, who: Principal, after: int, limit: int) -> list[AuditEntryOut]:
    """Up to `limit` entries after sequence number `after`, oldest first."""
    who.require(Permission.AUDIT_READ)
    with unit_of_work(p) as s:
        rows = s.execute(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
        ).scalars()
        return [_entry_out(e) for e in rows]


def _entry_out(e: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        seq=e.seq,
        at=audit.as_utc(e.at),
        actor_id=e.actor_id,
        actor_role=e.actor_role,
        on_behalf_of=e.on_behalf_of,
        action=e.action,
        case_id=e.case_id,
        detail=e.detail,
        hash=e.hash,
    )


PAGE_SIZE = 50


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def search_entries(p: HasDatabase, who: Principal, chosen: AuditFilter) -> AuditPage:
    """The log narrowed by day, tag, role and case, newest first, a page at a time."""
    who.require(Permission.AUDIT_READ)
    if chosen.since and chosen.until and chosen.until < chosen.since:
        raise InvalidInput("until", "the last day is before the first day")
    query = select(AuditEntry)
    if chosen.since:
        query = query.where(AuditEntry.at >= _midnight(chosen.since))
    if chosen.until:
        query = query.where(AuditEntry.at < _midnight(chosen.until + timedelta(days=1)))
    if chosen.action:
        query = query.where(AuditEntry.action.contains(chosen.action.strip(), autoescape=True))
    if chosen.actor_role:
        query = query.where(AuditEntry.actor_role == chosen.actor_role)
    if chosen.case:
        prefix = chosen.case.strip().lower()
        query = query.where(AuditEntry.case_id.startswith(prefix, autoescape=True))
    offset = (chosen.page - 1) * PAGE_SIZE
    query = query.order_by(AuditEntry.seq.desc()).offset(offset).limit(PAGE_SIZE + 1)
    with unit_of_work(p) as s:
        rows = list(s.execute(query).scalars())
    return AuditPage(
        entries=[_entry_out(e) for e in rows[:PAGE_SIZE]],
        page=chosen.page,
        more=len(rows) > PAGE_SIZE,
    )


def verify_audit(p: HasPlatformParts, who: Principal) -> VerificationOut:
    """Every entry's MAC recomputed from its content and the one before, and the chain held
    against every signed checkpoint outside the database."""
    who.require(Permission.AUDIT_VERIFY)
    return verify_log(p.db, p.settings)


def verify_log(database: Database, settings: Settings) -> VerificationOut:
    """The same check for the operator's command line, which has no signed-in user."""
    with unit_of_work(database) as s:
        chain = audit.verify(s)
    report = audit_checkpoints.check(database, settings)
    return VerificationOut(
        ok=chain.ok and report.ok,
        checked=chain.checked,
        first_bad_seq=chain.first_bad_seq,
        problem=chain.problem,
        checkpoints=report.checkpoints,
        latest_checkpoint_seq=report.latest.seq if report.latest else None,
        checkpoint_problems=report.problems,
    )


def checkpoints(p: HasPlatformParts, who: Principal) -> CheckpointsOut:
    """Every signed checkpoint, with the public key that checks them."""
    who.require(Permission.AUDIT_VERIFY)
    found, _ = audit_checkpoints.read(p.settings.audit_checkpoint_dir)
    return CheckpointsOut(
        public_key=audit_checkpoints.public_key(p.settings),
        checkpoints=[CheckpointOut(**asdict(checkpoint)) for checkpoint in found],
    )


def take_checkpoint(database: Database, settings: Settings, now: datetime) -> CheckpointOut:
    """Sign the chain's head now (the server does it every few minutes; cron may too)."""
    return CheckpointOut(**asdict(audit_checkpoints.take(database, settings, now)))


class HasPlatformParts(HasDatabase, Protocol):
    @property
    def settings(self) -> Settings: ...
