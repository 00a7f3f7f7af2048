"""The life of an allocation request, from registration to attendance: states and moves.

A request is *registered* while its window is open. The run seats it (*assigned*), puts it on the
site's waiting list (*waitlisted*) or sets it aside (*not_open*, *no_capacity*: its cohort is not
served yet, or its site has no seats in the run). A seated household confirms; a cancellation or
a no-show gives its seats to the next in line; attendance closes it. A person may be in one
*active* request at a time, so they can ask again once theirs has ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Final

from corredor.allocation.domain.rule import Status
from corredor.kernel.domain.permissions import Permission, Role, may


class RequestStatus(StrEnum):
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    NOT_OPEN = "not_open"
    NO_CAPACITY = "no_capacity"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    ATTENDED = "attended"


class BookingAction(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    NO_SHOW = "no_show"
    CHECK_IN = "check_in"
    RESCHEDULE = "reschedule"


# The permission each action needs.
PERMISSION: Final[dict[BookingAction, Permission]] = {
    BookingAction.CONFIRM: Permission.BOOKING_CONFIRM,
    BookingAction.CANCEL: Permission.BOOKING_CANCEL,
    BookingAction.NO_SHOW: Permission.BOOKING_NO_SHOW,
    BookingAction.CHECK_IN: Permission.BOOKING_CHECK_IN,
    BookingAction.RESCHEDULE: Permission.BOOKING_RESCHEDULE,
}

S = RequestStatus
ACTIVE: Final = frozenset({S.REGISTERED, S.ASSIGNED, S.CONFIRMED, S.WAITLISTED})
SEATED: Final = frozenset({S.ASSIGNED, S.CONFIRMED})

MOVES: Final[dict[BookingAction, tuple[frozenset[RequestStatus], RequestStatus | None]]] = {
    # action: (from these states, to this state; None keeps the state)
    BookingAction.CONFIRM: (frozenset({S.ASSIGNED}), S.CONFIRMED),
    BookingAction.CANCEL: (ACTIVE, S.CANCELLED),
    BookingAction.NO_SHOW: (SEATED, S.NO_SHOW),
    BookingAction.CHECK_IN: (SEATED, S.ATTENDED),
    BookingAction.RESCHEDULE: (SEATED, None),
}

# What a request becomes when its run gives it this outcome.
AFTER_RUN: Final[dict[Status, RequestStatus]] = {
    Status.ASSIGNED: S.ASSIGNED,
    Status.WAITLISTED: S.WAITLISTED,
    Status.NOT_OPEN: S.NOT_OPEN,
    Status.NO_CAPACITY: S.NO_CAPACITY,
}


class BookingStateError(ValueError):
    """A move the request's state does not allow; names the allowed ones."""

    def __init__(self, status: RequestStatus, action: BookingAction) -> None:
        self.status = status
        self.allowed = allowed_actions(status)
        super().__init__(f"a request that is {status} cannot {action.replace('_', ' ')}")


def allowed_actions(status: RequestStatus) -> list[BookingAction]:
    return [action for action, (sources, _) in MOVES.items() if status in sources]


def move(status: RequestStatus, action: BookingAction) -> RequestStatus:
    """The state after `action`, or BookingStateError."""
    sources, target = MOVES[action]
    if status not in sources:
        raise BookingStateError(status, action)
    return status if target is None else target


def actions_open_to(role: Role, status: RequestStatus) -> list[BookingAction]:
    """The moves the request's state allows that this role may make."""
    return [action for action in allowed_actions(status) if may(role, PERMISSION[action])]


def free_days(
    seats_free: Iterable[tuple[date, int]], size: int, current: date | None
) -> list[date]:
    """The days a booking may move to: every seat of the request free, and not its own day."""
    return [day for day, free in seats_free if day != current and free >= size]
