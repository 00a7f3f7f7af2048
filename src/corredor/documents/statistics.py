"""What the documents publish for the public monitoring portal: yes/no checks per day, by kind,
counted from the audit log inside the caller's unit of work."""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.daily import DailyCounts, bounds, daily_counts, day_of
from corredor.kernel.tables import AuditEntry

CHECK_TAGS: Final = {
    str(AuditTag.DOCUMENT_VERIFY_TRAVEL): "verify_travel",
    str(AuditTag.DOCUMENT_VERIFY_WORK): "verify_work",
}


def checks_by_day(session: Session, first: date, last: date) -> DailyCounts:
    """Document checks per day, by kind (from the audit log's entries)."""
    start, end = bounds(first, last)
    day = day_of(session, AuditEntry.at)
    rows = session.execute(
        select(day, AuditEntry.action, func.count())
        .where(AuditEntry.action.in_(CHECK_TAGS), AuditEntry.at >= start, AuditEntry.at < end)
        .group_by(day, AuditEntry.action)
    )
    return daily_counts((d, CHECK_TAGS[action], n) for d, action, n in rows)
