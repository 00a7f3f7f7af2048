"""What auditors do with the audit log: read it in order, and verify its hash chain. The chain
itself (appending, hashing, verifying) is the kernel's (`kernel/audit.py`)."""

from __future__ import annotations

from sqlalchemy import select

from corredor.adapters.db.models import AuditEntry
from corredor.audit_trail.schemas import AuditEntryOut, VerificationOut
from corredor.kernel import audit
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.unit_of_work import HasDatabase, unit_of_work


def audit_entries(p: HasDatabase, who: Principal, after: int, limit: int) -> list[AuditEntryOut]:
    """Up to `limit` entries after sequence number `after`, oldest first."""
    who.require(Permission.AUDIT_READ)
    with unit_of_work(p) as s:
        rows = s.execute(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
        ).scalars()
        return [
            AuditEntryOut(
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
            for e in rows
        ]


def verify_audit(p: HasDatabase, who: Principal) -> VerificationOut:
    """Every entry's hash recomputed from its content and the one before."""
    who.require(Permission.AUDIT_VERIFY)
    with unit_of_work(p) as s:
        result = audit.verify(s)
    return VerificationOut(
        ok=result.ok,
        checked=result.checked,
        first_bad_seq=result.first_bad_seq,
        problem=result.problem,
    )
