"""Capacity per site and day, and request windows: what officers set before a draw, and what
anyone may read of it.

A window's run applies the published rule of `allocation.domain.rule` as it is (`runs`); these
use cases only set its inputs, with every change in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.accounts.users import names_and_roles
from corredor.allocation.domain.lottery import commitment, new_seed
from corredor.allocation.schemas import (
    CapacityBoard,
    CapacityDayOut,
    CapacityIn,
    CapacityOut,
    ChangedBy,
    SiteCapacity,
    WindowBoard,
    WindowIn,
    WindowLine,
    WindowOut,
)
from corredor.allocation.store import (
    SEED_COLUMN,
    begin_writing,
    capacity_days,
    days_between,
    load_window,
    lock_days,
    require_site_officer,
    seats_taken,
    site_agency,
    staged_policy,
    window_out,
)
from corredor.allocation.store import current_windows as current_windows_in
from corredor.allocation.tables import AllocationRequest, AllocationWindow, CapacityDay
from corredor.allocation.use_cases.early_close import early_closes_of
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor, new_id, now

# ---- capacity ----


def set_capacity(p: Platform, who: Principal, body: CapacityIn) -> Command[CapacityOut]:
    """Seats and quotas for a run of days at a site; each change is audited with its old value."""
    return Command(
        operation="capacity:update",
        payload=body.model_dump(mode="json", by_alias=True),
        output=CapacityOut,
        run=lambda s: _set_capacity(p, s, who, body),
    )


def capacity(p: Platform, site_id: str, first: date, last: date) -> list[CapacityDayOut]:
    """Seats, quotas and seats taken per day at a site (public)."""
    with unit_of_work(p) as s:
        return _list_capacity(p, s, site_id, first, last)


def own_sites(p: Platform, who: Principal) -> list[tuple[str, str]]:
    """The sites the officer's agency runs: (id, name)."""
    reference = p.reference
    return [
        (place.id, place.name)
        for place in reference.sites
        if site_agency(reference, place.id) is who.agency
    ]


def capacity_board(p: Platform, who: Principal, first: date, last: date) -> CapacityBoard:
    """The officer's sites, each with its days from `first` to `last` and who set them."""
    who.require(Permission.CAPACITY_UPDATE)
    sites = own_sites(p, who)
    with unit_of_work(p) as s:
        capacity = [
            SiteCapacity(
                site_id=site_id,
                name=name,
                days=_list_capacity(p, s, site_id, first, last),
                changed_by=_changed_by(s, site_id, first, last),
            )
            for site_id, name in sites
        ]
    return CapacityBoard(sites=sites, capacity=capacity)


def _changed_by(s: Session, site_id: str, first: date, last: date) -> dict[date, ChangedBy]:
    rows = s.execute(
        select(CapacityDay.day, CapacityDay.updated_at, CapacityDay.updated_by).where(
            CapacityDay.site_id == site_id, CapacityDay.day.between(first, last)
        )
    ).all()
    people = names_and_roles(s, {str(by) for _, _, by in rows})
    return {
        day: ChangedBy(username=people[by][0], role=people[by][1], at=audit.as_utc(at))
        for day, at, by in rows
        if by in people
    }


def _set_capacity(p: Platform, s: Session, who: Principal, body: CapacityIn) -> CapacityOut:
    who.require(Permission.CAPACITY_UPDATE)
    require_site_officer(who, p.reference, body.site_id)
    begin_writing(s)
    days = days_between(body.from_day, body.last_day)
    existing = lock_days(s, body.site_id, days)
    taken = seats_taken(s, body.site_id, days)
    before: dict[str, Any] = {}
    for day in days:
        if body.seats < taken.get(day, 0):
            raise Conflict(
                f"seats: {taken[day]} seats are already given on {day.isoformat()}; "
                "cancel bookings before lowering capacity below that"
            )
        row = existing.get(day)
        if row is None:
            row = CapacityDay(site_id=body.site_id, day=day)
            s.add(row)
        else:
            before[day.isoformat()] = {"seats": row.seats, "quotas": dict(row.quotas)}
        row.seats, row.quotas = body.seats, dict(sorted(body.quotas.items()))
        row.updated_by, row.updated_at = who.user_id, now()
    audit.append(
        s,
        actor(s, who),
        AuditTag.CAPACITY_UPDATE,
        detail={
            "site": body.site_id,
            "from": body.from_day.isoformat(),
            "until": body.last_day.isoformat(),
            "seats": body.seats,
            "quotas": body.quotas,
            "before": before,
        },
    )
    s.flush()
    return CapacityOut(days=capacity_days(s, body.site_id, days))


def _list_capacity(
    p: Platform, s: Session, site_id: str, first: date, last: date
) -> list[CapacityDayOut]:
    site_agency(p.reference, site_id)  # a clear 422 for an unknown site
    if last < first or (last - first).days > 366:
        raise InvalidInput("until", "expected a date 0 to 366 days after from")
    return capacity_days(s, site_id, days_between(first, last))


# ---- windows ----


def open_window(p: Platform, who: Principal, body: WindowIn) -> Command[WindowOut]:
    """Open a request window; the seed's SHA-256 is fixed (and public) from this moment."""
    return Command(
        operation="allocation:window",
        payload=body.model_dump(mode="json"),
        output=WindowOut,
        run=lambda s: _open_window(p, s, who, body),
    )


def current_windows(p: Platform) -> list[WindowOut]:
    """Windows still open, or whose appointment days have not all passed (public)."""
    with unit_of_work(p) as s:
        return current_windows_in(s, p.today())


def window(p: Platform, window_id: str) -> WindowOut:
    """A window: sites, days, rule, the commitment published at opening, the seed once revealed."""
    with unit_of_work(p) as s:
        return window_out(s, load_window(s, window_id))


def window_board(p: Platform, who: Principal) -> WindowBoard:
    """The current windows at the officer's sites, with the requests each holds."""
    who.require(Permission.ALLOCATION_WINDOW)
    sites = own_sites(p, who)
    mine = {site_id for site_id, _ in sites}
    with unit_of_work(p) as s:
        found = [w for w in current_windows_in(s, p.today()) if set(w.site_ids) & mine]
        counts = _request_counts(s, [w.id for w in found]) if found else {}
        early = early_closes_of(s, [w.id for w in found]) if found else {}
    lines = [
        WindowLine(window=w, requests=counts.get(w.id, 0), early_close=early.get(w.id))
        for w in found
    ]
    return WindowBoard(sites=sites, windows=lines)


def _request_counts(s: Session, window_ids: Sequence[str]) -> dict[str, int]:
    rows = s.execute(
        select(AllocationRequest.window_id, func.count())
        .where(AllocationRequest.window_id.in_(list(window_ids)))
        .group_by(AllocationRequest.window_id)
    )
    return {window_id: int(count) for window_id, count in rows}


def _open_window(p: Platform, s: Session, who: Principal, body: WindowIn) -> WindowOut:
    who.require(Permission.ALLOCATION_WINDOW)
    for site_id in body.site_ids:
        require_site_officer(who, p.reference, site_id)
    begin_writing(s)
    opens_at = body.opens_at or p.now()
    if body.closes_at <= opens_at:
        raise InvalidInput("closes_at", "must be after the window opens")
    staged_policy(p, body.policy_id, p.today())
    clash = s.execute(
        select(AllocationWindow.id, AllocationWindow.sites).where(
            AllocationWindow.first_day <= body.last_day,
            AllocationWindow.last_day >= body.first_day,
        )
    ).all()
    for other_id, sites in clash:
        shared = sorted(set(sites) & set(body.site_ids))
        if shared:
            raise Conflict(
                f"window {other_id} already fills days of {', '.join(shared)} in this range"
            )
    seed_enc = None
    if body.seed_commitment is None:
        seed = new_seed()
        seed_enc = p.cipher.encrypt(seed.hex(), SEED_COLUMN)
        committed = commitment(seed)
    else:
        committed = body.seed_commitment
    window = AllocationWindow(
        id=new_id(),
        state="open",
        sites=list(body.site_ids),
        first_day=body.first_day,
        last_day=body.last_day,
        opens_at=opens_at,
        closes_at=body.closes_at,
        policy_id=body.policy_id,
        rule=body.rule.model_dump(mode="json"),
        seed_commitment=committed,
        seed_enc=seed_enc,
        created_by=who.user_id,
        created_at=now(),
    )
    s.add(window)
    s.flush()
    audit.append(
        s,
        actor(s, who),
        AuditTag.WINDOW_OPEN,
        detail={"window": window.id, "sites": window.sites, "commitment": committed},
    )
    return window_out(s, window)
