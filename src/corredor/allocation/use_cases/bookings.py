"""After the draw: confirm, cancel, record a no-show, check in, or reschedule a booking.

Freed seats go to the next in line by the rule of `allocation.domain` itself: each change builds
the part of the run it touches (the site's waiting list in rank order, the seats free on the
days concerned) as a domain `Allocation`, lets it decide, and writes the decision back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.allocation.domain.booking import (
    PERMISSION,
    SEATED,
    BookingAction,
    BookingStateError,
    RequestStatus,
    actions_open_to,
    free_days,
    move,
)
from corredor.allocation.domain.rule import (
    Allocation,
    Assignment,
    BookingError,
    Ranked,
    Request,
    Status,
    Tier,
)
from corredor.allocation.schemas import BookingOptions, BookingOut, RescheduleIn
from corredor.allocation.store import (
    active_seats,
    begin_writing,
    capacity_days,
    days_between,
    end_request,
    entry_of,
    give_seats,
    load_window,
    lock_days,
    release_seats,
    request_view,
    require_site_officer,
    seats_taken,
    set_statuses,
    taken_numbers,
    visible_request,
)
from corredor.allocation.tables import (
    AllocationRequest,
    AllocationRunEntry,
    AllocationSeat,
    CapacityDay,
)
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor

RELEASE = {BookingAction.CANCEL: Status.CANCELLED, BookingAction.NO_SHOW: Status.NO_SHOW}


def change_booking(
    p: Platform, who: Principal, request_id: str, action: BookingAction
) -> Command[BookingOut]:
    """Confirm, cancel, record a no-show or check in (`reschedule_booking` moves a booking)."""
    if action is BookingAction.RESCHEDULE:
        raise ValueError("use reschedule_booking()")
    return Command(
        operation=f"allocation:{request_id}:{action}",
        payload={},
        output=BookingOut,
        run=lambda s: _change(p, s, who, request_id, action),
    )


def reschedule_booking(
    p: Platform, who: Principal, request_id: str, body: RescheduleIn
) -> Command[BookingOut]:
    """Move a booking to another day of the window with free seats; tier and draw stay."""
    return Command(
        operation=f"allocation:{request_id}:reschedule",
        payload=body.model_dump(mode="json"),
        output=BookingOut,
        run=lambda s: _reschedule(p, s, who, request_id, body),
    )


def booking_options(p: Platform, who: Principal, request_id: str) -> BookingOptions:
    """The moves the caller may make on the request's booking, and the days of its window,
    from today, with a seat free for every person of the request."""
    with unit_of_work(p) as s:
        request = visible_request(s, who, request_id, Permission.ALLOCATION_READ_OWN_POSITION)
        mine = request_view(s, request)  # others' are NotFound
        window = load_window(s, request.window_id)
        first = max(window.first_day, p.today())
        days = (
            capacity_days(s, mine.site_id, days_between(first, window.last_day))
            if first <= window.last_day
            else []
        )
    current = mine.appointment.day if mine.appointment else None
    seats_free = [(day.day, day.seats - day.seats_taken) for day in days]
    return BookingOptions(
        request=mine,
        actions=[str(a) for a in actions_open_to(who.role, RequestStatus(mine.status))],
        free_days=free_days(seats_free, mine.size, current),
    )


def _begin(
    p: Platform, s: Session, who: Principal, request_id: str, action: BookingAction
) -> tuple[AllocationRequest, RequestStatus]:
    """Load, lock and check: the request, and the state the action moves it to."""
    begin_writing(s)
    request = visible_request(s, who, request_id, PERMISSION[action])
    if who.role in (Role.INM_OFFICER, Role.CBP_OFFICER):
        require_site_officer(who, p.reference, request.site_id)
    load_window(s, request.window_id, lock="no_key_update")
    s.refresh(request)  # its state as of holding the lock
    try:
        target = move(RequestStatus(request.status), action)
    except BookingStateError as error:
        raise Conflict(
            str(error), state=str(error.status), allowed=[str(a) for a in error.allowed]
        ) from None
    return request, target


def _audit(
    s: Session, who: Principal, request: AllocationRequest, action: BookingAction, **detail: Any
) -> None:
    audit.append(
        s,
        actor(s, who),
        AuditTag.of("booking", action),
        case_id=request.case_id,
        detail={"request": request.id, "status": request.status, **detail},
    )


def _answer(s: Session, request: AllocationRequest, promoted: Sequence[str]) -> BookingOut:
    return BookingOut(request=request_view(s, request), promoted=len(promoted))


def _change(
    p: Platform, s: Session, who: Principal, request_id: str, action: BookingAction
) -> BookingOut:
    request, target = _begin(p, s, who, request_id, action)
    promoted: list[str] = []
    if action in RELEASE:
        promoted = _release(s, request, RELEASE[action]) if request.status in SEATED else []
        end_request(s, request, target)
    elif action is BookingAction.CHECK_IN:
        end_request(s, request, target)  # the seat stays taken: it was used
    else:
        request.status = str(target)
    _audit(s, who, request, action, promoted=promoted)
    s.flush()
    return _answer(s, request, promoted)


def _reschedule(
    p: Platform, s: Session, who: Principal, request_id: str, body: RescheduleIn
) -> BookingOut:
    request, _ = _begin(p, s, who, request_id, BookingAction.RESCHEDULE)
    window = load_window(s, request.window_id)
    if not window.first_day <= body.day <= window.last_day:
        raise InvalidInput(
            "day",
            f"expected a day of the window, {window.first_day.isoformat()} to "
            f"{window.last_day.isoformat()}",
        )
    seats = active_seats(s, [request.id])[request.id]
    current = seats[0].day
    part = _part_of_run(s, request, seats, extra_day=body.day)
    try:
        moved, promotions = part.allocation.reschedule(request.id, body.day)
    except BookingError as error:
        raise Conflict(str(error), state=request.status) from None
    if moved.day != current:
        release_seats(s, request.id, "moved")
        give_seats(s, part.run_id, part.days[body.day], [moved])
        _seat_promoted(s, part, promotions)
    _audit(
        s,
        who,
        request,
        BookingAction.RESCHEDULE,
        before=current.isoformat(),
        after=body.day.isoformat(),
        promoted=[a.request_id for a in promotions],
    )
    s.flush()
    return _answer(s, request, [a.request_id for a in promotions])


def _release(s: Session, request: AllocationRequest, reason: Status) -> list[str]:
    seats = active_seats(s, [request.id])[request.id]
    part = _part_of_run(s, request, seats)
    promotions = part.allocation.release(request.id, reason)  # type: ignore[arg-type]
    release_seats(s, request.id, str(reason))
    _seat_promoted(s, part, promotions)
    return [a.request_id for a in promotions]


class _Part:
    """The piece of a run a booking change touches, as the domain sees it."""

    def __init__(self, run_id: str, days: dict[date, CapacityDay], allocation: Allocation):
        self.run_id, self.days, self.allocation = run_id, days, allocation


def _part_of_run(
    s: Session,
    request: AllocationRequest,
    seats: Sequence[AllocationSeat],
    extra_day: date | None = None,
) -> _Part:
    """The request's seats, the site's waiting list in rank order, and the free seats per day."""
    held = seats[0]
    wanted = {held.day} | ({extra_day} if extra_day else set())
    days = lock_days(s, request.site_id, wanted)
    if extra_day is not None and extra_day not in days:
        raise InvalidInput("day", f"{request.site_id} has no capacity on {extra_day.isoformat()}")
    taken = seats_taken(s, request.site_id, sorted(days))
    waiting = s.execute(
        select(AllocationRunEntry)
        .join(AllocationRequest, AllocationRequest.id == AllocationRunEntry.request_id)
        .where(
            AllocationRunEntry.run_id == held.run_id,
            AllocationRunEntry.site_id == request.site_id,
            AllocationRequest.status == str(RequestStatus.WAITLISTED),
        )
        .order_by(AllocationRunEntry.rank)
    ).scalars()
    mine = entry_of(s, request.id)
    assert mine is not None, "a seated request has a run entry"
    entries = sorted([mine, *waiting], key=lambda entry: entry.rank or 0)
    allocation = Allocation(
        requests={e.request_id: _domain_request(e) for e in entries},
        capacity=[],
        ranking={e.request_id: _ranked(e) for e in entries},
        order={request.site_id: [e.request_id for e in entries]},
        status={
            e.request_id: Status.ASSIGNED if e.request_id == request.id else Status.WAITLISTED
            for e in entries
        },
        cohorts_open=None,
        assignments={
            request.id: Assignment(request.id, held.site_id, held.day, held.pool, len(seats))
        },
        open_seats_left={
            (request.site_id, day): max(0, row.seats - taken.get(day, 0))
            for day, row in days.items()
        },
    )
    return _Part(held.run_id, days, allocation)


def _domain_request(entry: AllocationRunEntry) -> Request:
    # Only the size and cohort matter for seating; stand-in person ids keep the size.
    people = tuple(f"{entry.request_id}#{i}" for i in range(entry.size))
    return Request(
        entry.request_id, entry.site_id, people, entry.waiting_since, entry.cohort, entry.urgent
    )


def _ranked(entry: AllocationRunEntry) -> Ranked:
    return Ranked(
        entry.request_id,
        entry.site_id,
        Tier(entry.tier or 0),
        entry.tickets or 1,
        int(entry.draw_key or "0", 16),
        entry.draw_number or 0,
    )


def _seat_promoted(s: Session, part: _Part, promotions: Sequence[Assignment]) -> None:
    """Seats for the requests the domain moved up, on the days it chose."""
    for day in sorted({a.day for a in promotions}):
        row = part.days[day]
        given = [a for a in promotions if a.day == day]
        give_seats(s, part.run_id, row, given, taken_numbers(s, row.site_id, day))
    set_statuses(s, {a.request_id: RequestStatus.ASSIGNED for a in promotions})
