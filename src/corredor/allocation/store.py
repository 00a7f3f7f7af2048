"""Loading, locking and seat keeping for the allocation use cases, and the outputs built from rows.

Locks, so that concurrent calls never act on a stale view:

- SQLite has one writer at a time; `begin_writing` takes the write lock when the transaction
  starts (BEGIN IMMEDIATE), so nothing read inside the transaction goes stale.
- PostgreSQL: a registration holds its window row in KEY SHARE mode and the run holds it FOR
  UPDATE, so a run waits for registrations in flight and later ones see the window closed.
  Booking changes hold it FOR NO KEY UPDATE: they take turns within a window (a waiting list
  read by one is not changed under it by another) without holding up registrations. Every change
  of seats also locks the capacity rows of the days it touches (FOR UPDATE, in day order).

The partial unique indexes (see `allocation.tables`) stay the last word: a seat held twice or a
person in two active requests cannot be written, whatever the code above does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from corredor.allocation.domain.booking import RequestStatus, allowed_actions
from corredor.allocation.domain.rule import AllocationRule, Assignment
from corredor.allocation.schemas import AppointmentOut, CapacityDayOut, RequestOut, WindowOut
from corredor.allocation.tables import (
    AllocationRequest,
    AllocationRequestPerson,
    AllocationRun,
    AllocationRunEntry,
    AllocationSeat,
    AllocationWindow,
    CapacityDay,
)
from corredor.cases.records import may_act_on
from corredor.cases.reference import Reference
from corredor.kernel import audit
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Permission, Role
from corredor.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from corredor.platform import Platform, now
from corredor.screening.domain.policy import Policy

SEED_COLUMN = "allocation_windows.seed"  # bound into the encryption of a window's secret seed
RECORDS_URGENCY = frozenset({Role.CASEWORKER, Role.INM_OFFICER})  # who may record an urgent need


def begin_writing(session: Session) -> None:
    """On SQLite, take the database's write lock now rather than at the first write."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# ---- who runs a site ----


def site_agency(reference: Reference, site_id: str) -> Agency:
    """INM runs its border points; CBP runs the assisted site, ports of entry and flights."""
    if reference.border_point(site_id) is not None:
        return Agency.INM
    if reference.port(site_id) is not None or reference.assisted_site(site_id) is not None:
        return Agency.CBP
    raise InvalidInput("site_id", f"unknown site {site_id}; see GET /reference/sites")


def require_site_officer(who: Principal, reference: Reference, site_id: str) -> None:
    """An officer acts only for the sites of their own agency."""
    agency = site_agency(reference, site_id)
    if who.role in (Role.INM_OFFICER, Role.CBP_OFFICER) and who.agency is not agency:
        raise Forbidden(f"{site_id} is run by {agency}; a {who.agency} officer may not act on it")


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def staged_policy(p: Platform, policy_id: str | None, on: date) -> Policy | None:
    """The staged pathway a window serves, in effect on the day; None for no pathway."""
    if policy_id is None:
        return None
    if policy_id not in p.catalogue.pathway_ids():
        raise InvalidInput("policy_id", f"unknown pathway {policy_id}")
    policy = p.catalogue.in_effect(policy_id, on)
    if policy is None:
        raise InvalidInput("policy_id", f"{policy_id} is not in effect on {on.isoformat()}")
    return policy


# ---- loading ----


def load_window(session: Session, window_id: str, *, lock: str | None = None) -> AllocationWindow:
    query = select(AllocationWindow).where(AllocationWindow.id == window_id)
    if lock == "update":
        query = query.with_for_update()
    elif lock == "no_key_update":
        query = query.with_for_update(key_share=True)
    elif lock == "key_share":
        query = query.with_for_update(read=True, key_share=True)
    window = session.execute(query).scalar_one_or_none()
    if window is None:
        raise NotFound(f"no window {window_id}")
    return window


def run_of_window(session: Session, window_id: str) -> AllocationRun | None:
    return session.execute(
        select(AllocationRun).where(AllocationRun.window_id == window_id)
    ).scalar_one_or_none()


def visible_request(
    session: Session, who: Principal, request_id: str, permission: Permission
) -> AllocationRequest:
    """The request, if the caller may act on it: an applicant sees only their own, a caseworker
    those they registered or whose case is assigned to them."""
    who.require(permission)
    request = session.get(AllocationRequest, request_id)
    if request is None:
        raise NotFound(f"no request {request_id}")
    if who.role is Role.APPLICANT and who.user_id not in (
        request.applicant_user_id,
        request.registered_by,
    ):
        raise NotFound(f"no request {request_id}")
    if who.role is Role.CASEWORKER and not _a_caseworkers(session, who, request):
        raise NotFound(f"no request {request_id}")
    return request


def _a_caseworkers(session: Session, who: Principal, request: AllocationRequest) -> bool:
    """They registered it, or its case is assigned to them."""
    if request.registered_by == who.user_id:
        return True
    return request.case_id is not None and may_act_on(session, who, request.case_id)


def entry_of(session: Session, request_id: str) -> AllocationRunEntry | None:
    return session.execute(
        select(AllocationRunEntry).where(AllocationRunEntry.request_id == request_id)
    ).scalar_one_or_none()


def people_keys(session: Session, request_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Request id -> its people's keys, in the order they were given."""
    keys: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(request_ids):
        rows = session.execute(
            select(AllocationRequestPerson.request_id, AllocationRequestPerson.person_key)
            .where(AllocationRequestPerson.request_id.in_(chunk))
            .order_by(AllocationRequestPerson.request_id, AllocationRequestPerson.position)
        )
        for request_id, key in rows:
            keys[request_id].append(key)
    return {request_id: tuple(found) for request_id, found in keys.items()}


def end_request(session: Session, request: AllocationRequest, status: RequestStatus) -> None:
    """A request that ends frees its people to ask again."""
    request.status = str(status)
    request.updated_at = now()
    session.execute(
        update(AllocationRequestPerson)
        .where(AllocationRequestPerson.request_id == request.id)
        .values(active=False)
    )


def set_statuses(session: Session, statuses: dict[str, RequestStatus]) -> None:
    if statuses:
        moment = now()
        session.execute(
            update(AllocationRequest),
            [
                {"id": rid, "status": str(status), "updated_at": moment}
                for rid, status in statuses.items()
            ],
        )


def _chunks(items: Sequence[str], size: int = 1000) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---- capacity and seats ----


def lock_days(session: Session, site_id: str, days: Iterable[date]) -> dict[date, CapacityDay]:
    """The capacity rows of these days, locked against other seat changes until commit."""
    rows = (
        session.execute(
            select(CapacityDay)
            .where(CapacityDay.site_id == site_id, CapacityDay.day.in_(sorted(set(days))))
            .order_by(CapacityDay.day)
            .with_for_update()
        )
        .scalars()
        .all()
    )
    return {row.day: row for row in rows}


def taken_numbers(session: Session, site_id: str, day: date) -> set[int]:
    return set(
        session.execute(
            select(AllocationSeat.seat_number).where(
                AllocationSeat.site_id == site_id,
                AllocationSeat.day == day,
                AllocationSeat.active.is_(True),
            )
        ).scalars()
    )


def seats_taken(session: Session, site_id: str, days: Sequence[date]) -> dict[date, int]:
    rows = session.execute(
        select(AllocationSeat.day, func.count())
        .where(
            AllocationSeat.site_id == site_id,
            AllocationSeat.day.in_(days),
            AllocationSeat.active.is_(True),
        )
        .group_by(AllocationSeat.day)
    )
    return {day: int(count) for day, count in rows}


def give_seats(
    session: Session,
    run_id: str,
    capacity: CapacityDay,
    assignments: Sequence[Assignment],
    taken: set[int] | None = None,
) -> None:
    """Seat numbers for each assignment on one day: the lowest free numbers, in order."""
    if not assignments:
        return
    used = taken_numbers(session, capacity.site_id, capacity.day) if taken is None else taken
    free = (number for number in range(1, capacity.seats + 1) if number not in used)
    moment = now()
    rows = []
    for assignment in assignments:
        for holder in range(assignment.seats):
            number = next(free, None)
            if number is None:
                raise Conflict(
                    f"{capacity.site_id} has no free seat left on {capacity.day.isoformat()}"
                )
            rows.append(
                AllocationSeat(
                    run_id=run_id,
                    request_id=assignment.request_id,
                    holder=holder,
                    site_id=capacity.site_id,
                    day=capacity.day,
                    seat_number=number,
                    pool=assignment.pool,
                    active=True,
                    given_at=moment,
                )
            )
    session.add_all(rows)
    session.flush()


def release_seats(session: Session, request_id: str, reason: str) -> None:
    session.execute(
        update(AllocationSeat)
        .where(AllocationSeat.request_id == request_id, AllocationSeat.active.is_(True))
        .values(active=False, released_at=now(), release_reason=reason)
    )


def active_seats(session: Session, request_ids: Sequence[str]) -> dict[str, list[AllocationSeat]]:
    seats: dict[str, list[AllocationSeat]] = defaultdict(list)
    for chunk in _chunks(request_ids):
        for seat in session.execute(
            select(AllocationSeat)
            .where(AllocationSeat.request_id.in_(chunk), AllocationSeat.active.is_(True))
            .order_by(AllocationSeat.holder)
        ).scalars():
            seats[seat.request_id].append(seat)
    return seats


# ---- views ----


def appointment_of(seats: Sequence[AllocationSeat]) -> AppointmentOut | None:
    if not seats:
        return None
    first = seats[0]
    return AppointmentOut(
        site_id=first.site_id,
        day=first.day,
        pool=first.pool,
        seats=sorted(seat.seat_number for seat in seats),
    )


def request_out(
    request: AllocationRequest, seats: Sequence[AllocationSeat] | None = None
) -> RequestOut:
    status = RequestStatus(request.status)
    return RequestOut(
        id=request.id,
        window_id=request.window_id,
        site_id=request.site_id,
        size=request.size,
        cohort=request.cohort,
        urgent=request.urgent,
        waiting_since=request.waiting_since,
        status=request.status,
        allowed_actions=[str(action) for action in allowed_actions(status)],
        appointment=appointment_of(seats or []),
    )


def request_view(session: Session, request: AllocationRequest) -> RequestOut:
    return request_out(request, active_seats(session, [request.id]).get(request.id, []))


def window_out(session: Session, window: AllocationWindow) -> WindowOut:
    run = run_of_window(session, window.id)
    return WindowOut(
        id=window.id,
        state=window.state,
        site_ids=list(window.sites),
        first_day=window.first_day,
        last_day=window.last_day,
        opens_at=audit.as_utc(window.opens_at),
        closes_at=audit.as_utc(window.closes_at),
        policy_id=window.policy_id,
        rule=AllocationRule.model_validate(window.rule),
        seed_commitment=window.seed_commitment,
        seed=window.seed,
        run_id=run.id if run else None,
    )


def current_windows(session: Session, today: date) -> list[WindowOut]:
    """Windows still open, or whose appointment days have not all passed."""
    rows = session.execute(
        select(AllocationWindow)
        .where(or_(AllocationWindow.state == "open", AllocationWindow.last_day >= today))
        .order_by(AllocationWindow.first_day, AllocationWindow.id)
        .limit(200)
    ).scalars()
    return [window_out(session, row) for row in rows]


def taking_requests(windows: Sequence[WindowOut], moment: datetime) -> list[WindowOut]:
    """The windows taking requests at this moment (registration checks it again)."""
    return [w for w in windows if w.state == "open" and w.opens_at <= moment < w.closes_at]


def capacity_days(session: Session, site_id: str, days: list[date]) -> list[CapacityDayOut]:
    rows = (
        session.execute(
            select(CapacityDay)
            .where(CapacityDay.site_id == site_id, CapacityDay.day.in_(days))
            .order_by(CapacityDay.day)
        )
        .scalars()
        .all()
    )
    taken = seats_taken(session, site_id, days)
    return [
        CapacityDayOut(
            site_id=row.site_id,
            day=row.day,
            seats=row.seats,
            quotas=dict(row.quotas),
            seats_taken=taken.get(row.day, 0),
        )
        for row in rows
    ]
