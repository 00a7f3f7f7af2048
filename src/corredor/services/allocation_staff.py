"""What the staff pages of fair capacity read besides the public views: who last changed each
day's capacity, and how many requests each window holds. Both are small, indexed reads.

Every capacity change is also in the audit log with the values it replaced
(`allocation:capacity:update`); the row's `updated_by`/`updated_at` say who made the change in
force, without walking the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.adapters.db.models import User
from corredor.allocation.tables import AllocationRequest, CapacityDay
from corredor.kernel import audit
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission


@dataclass(frozen=True)
class ChangedBy:
    username: str
    role: str
    at: datetime


def capacity_changed_by(
    s: Session, who: Principal, site_id: str, first: date, last: date
) -> dict[date, ChangedBy]:
    """Day -> who set the capacity in force at the site, and when (days with capacity only)."""
    who.require(Permission.CAPACITY_UPDATE)
    rows = s.execute(
        select(CapacityDay.day, CapacityDay.updated_at, User.username, User.role)
        .join(User, User.id == CapacityDay.updated_by)
        .where(CapacityDay.site_id == site_id, CapacityDay.day.between(first, last))
    )
    return {
        day: ChangedBy(username=username, role=role, at=audit.as_utc(at))
        for day, at, username, role in rows
    }


def window_request_counts(s: Session, who: Principal, window_ids: Sequence[str]) -> dict[str, int]:
    """Window id -> the requests registered in it (any status); windows without any are left
    out. Counts only: no request, person or id is read."""
    who.require(Permission.ALLOCATION_WINDOW)
    if not window_ids:
        return {}
    rows = s.execute(
        select(AllocationRequest.window_id, func.count())
        .where(AllocationRequest.window_id.in_(list(window_ids)))
        .group_by(AllocationRequest.window_id)
    )
    return {window_id: int(count) for window_id, count in rows}
