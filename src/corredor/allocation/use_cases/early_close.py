"""Closing a window before its published close: one officer asks, with a reason; a different
officer of the site's agency confirms; only then may the run happen early (`runs`). Both steps
are in the audit log, and the early close is published with the run's results.

The rule itself (who may confirm, when a run may happen) is `allocation.domain.early_close`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.accounts.users import names_and_roles
from corredor.allocation.domain.early_close import (
    EarlyCloseState,
    RunRefused,
    check_confirmation,
)
from corredor.allocation.schemas import EarlyCloseIn, EarlyCloseOut
from corredor.allocation.store import begin_writing, load_window, require_site_officer
from corredor.allocation.tables import AllocationEarlyClose, AllocationWindow
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict
from corredor.platform import Platform, actor


def request_early_close(
    p: Platform, who: Principal, window_id: str, body: EarlyCloseIn
) -> Command[EarlyCloseOut]:
    """Ask to close an open window before its published close; another officer must confirm."""
    return Command(
        operation=f"allocation:{window_id}:early-close",
        payload=body.model_dump(mode="json"),
        output=EarlyCloseOut,
        run=lambda s: _request(p, s, who, window_id, body),
    )


def confirm_early_close(p: Platform, who: Principal, window_id: str) -> Command[EarlyCloseOut]:
    """Confirm another officer's request to close the window early."""
    return Command(
        operation=f"allocation:{window_id}:early-close-confirm",
        payload={},
        output=EarlyCloseOut,
        run=lambda s: _confirm(p, s, who, window_id),
    )


def state_of(row: AllocationEarlyClose | None) -> EarlyCloseState | None:
    if row is None:
        return None
    return EarlyCloseState(row.requested_by, row.reason, row.confirmed_by)


def lock_early_close(s: Session, window_id: str) -> AllocationEarlyClose | None:
    return s.execute(
        select(AllocationEarlyClose)
        .where(AllocationEarlyClose.window_id == window_id)
        .with_for_update()
    ).scalar_one_or_none()


def early_closes_of(s: Session, window_ids: Sequence[str]) -> dict[str, EarlyCloseOut]:
    """The early closes of these windows, with the officers' usernames, by window id."""
    rows = (
        s.execute(
            select(AllocationEarlyClose).where(AllocationEarlyClose.window_id.in_(list(window_ids)))
        )
        .scalars()
        .all()
    )
    people = names_and_roles(
        s,
        {row.requested_by for row in rows} | {row.confirmed_by for row in rows if row.confirmed_by},
    )

    def name(user_id: str | None) -> str | None:
        return people[user_id][0] if user_id in people else user_id

    return {
        row.window_id: EarlyCloseOut(
            window_id=row.window_id,
            reason=row.reason,
            requested_by=name(row.requested_by) or "",
            requested_at=audit.as_utc(row.requested_at),
            confirmed_by=name(row.confirmed_by),
            confirmed_at=audit.as_utc(row.confirmed_at) if row.confirmed_at else None,
            published_close=audit.as_utc(row.published_close),
            closed_at=audit.as_utc(row.closed_at) if row.closed_at else None,
        )
        for row in rows
    }


def _open_window(p: Platform, s: Session, who: Principal, window_id: str) -> AllocationWindow:
    who.require(Permission.ALLOCATION_RUN)
    begin_writing(s)
    window = load_window(s, window_id, lock="update")
    for site_id in window.sites:
        require_site_officer(who, p.reference, site_id)
    if window.state != "open":
        raise Conflict(f"window {window.id} has already run", state=window.state)
    if p.now() >= audit.as_utc(window.closes_at):
        raise Conflict(
            f"window {window.id} closed at {audit.as_utc(window.closes_at).isoformat()}: "
            "run it, no early close is needed",
            state="closed",
            allowed=["run"],
        )
    return window


def _request(
    p: Platform, s: Session, who: Principal, window_id: str, body: EarlyCloseIn
) -> EarlyCloseOut:
    window = _open_window(p, s, who, window_id)
    if lock_early_close(s, window.id) is not None:
        raise Conflict(
            f"an early close of window {window.id} is already asked for: another officer "
            "confirms it",
            state="open",
            allowed=["early-close/confirmation"],
        )
    s.add(
        AllocationEarlyClose(
            window_id=window.id,
            reason=body.reason,
            requested_by=who.user_id,
            requested_at=p.now(),
            published_close=window.closes_at,
        )
    )
    s.flush()
    audit.append(
        s,
        actor(s, who),
        AuditTag.EARLY_CLOSE_REQUEST,
        detail={
            "window": window.id,
            "reason": body.reason,
            "published_close": audit.as_utc(window.closes_at).isoformat(),
        },
    )
    return early_closes_of(s, [window.id])[window.id]


def _confirm(p: Platform, s: Session, who: Principal, window_id: str) -> EarlyCloseOut:
    window = _open_window(p, s, who, window_id)
    row = lock_early_close(s, window.id)
    try:
        check_confirmation(state_of(row), who.user_id)
    except RunRefused as refused:
        raise Conflict(str(refused), state="open", allowed=refused.allowed) from None
    assert row is not None, "check_confirmation refuses a missing request"
    row.confirmed_by, row.confirmed_at = who.user_id, p.now()
    s.flush()
    audit.append(
        s,
        actor(s, who),
        AuditTag.EARLY_CLOSE_CONFIRM,
        detail={"window": window.id, "requested_by": row.requested_by, "reason": row.reason},
    )
    return early_closes_of(s, [window.id])[window.id]
