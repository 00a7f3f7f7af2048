"""Fair allocation: capacity, request windows, requests, the draw, bookings and results."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from corredor.allocation.domain.booking import PERMISSION, BookingAction
from corredor.allocation.schemas import (
    BookingOut,
    CapacityDayOut,
    CapacityIn,
    CapacityOut,
    EarlyCloseIn,
    EarlyCloseOut,
    PositionOut,
    RequestIn,
    RequestOut,
    RescheduleIn,
    RunIn,
    RunOut,
    RunResultsOut,
    WindowIn,
    WindowOut,
)
from corredor.allocation.use_cases import bookings, early_close, requests, runs, windows
from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import PUBLIC, platform_of, requires
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform

router = APIRouter(prefix="/allocation", tags=["allocation"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
Id = Annotated[str, Path(min_length=1, max_length=36)]


def _who(permission: Permission) -> object:
    return Depends(requires(permission))


# ---- published: anyone may read ----


@router.get("/capacity", response_model=list[CapacityDayOut], dependencies=[Depends(PUBLIC)])
def capacity(
    platform: PlatformDep,
    site_id: Annotated[str, Query(min_length=1, max_length=80)],
    from_day: Annotated[date, Query(alias="from")],
    until: Annotated[date, Query()],
) -> list[CapacityDayOut]:
    """Seats, quotas and seats taken per day at a site."""
    return windows.capacity(platform, site_id, from_day, until)


@router.get("/windows", response_model=list[WindowOut], dependencies=[Depends(PUBLIC)])
def current_windows(platform: PlatformDep) -> list[WindowOut]:
    """Windows open or still filling days, each with its seed commitment."""
    return windows.current_windows(platform)


@router.get("/windows/{window_id}", response_model=WindowOut, dependencies=[Depends(PUBLIC)])
def window(window_id: Id, platform: PlatformDep) -> WindowOut:
    """A window: sites, days, rule, the commitment published at opening, the seed once revealed."""
    return windows.window(platform, window_id)


@router.get("/runs/{run_id}/results", response_model=RunResultsOut, dependencies=[Depends(PUBLIC)])
def results(run_id: Id, platform: PlatformDep) -> RunResultsOut:
    """Counts per site and tier, digests and the seed: no names, no request ids."""
    return runs.results(platform, run_id)


# ---- operators ----


@router.post("/capacity", response_model=CapacityOut)
def set_capacity(
    body: CapacityIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.CAPACITY_UPDATE)],
) -> CapacityOut:
    """Set seats and cohort quotas for days at a site (audited, with the values replaced)."""
    return run_command(platform, user, key, windows.set_capacity(platform, user, body))


@router.post("/windows", response_model=WindowOut, status_code=201)
def open_window(
    body: WindowIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_WINDOW)],
) -> WindowOut:
    """Open a request window; its seed commitment is public from now on."""
    return run_command(platform, user, key, windows.open_window(platform, user, body))


@router.post("/windows/{window_id}/early-close", response_model=EarlyCloseOut, status_code=201)
def request_early_close(
    window_id: Id,
    body: EarlyCloseIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_RUN)],
) -> EarlyCloseOut:
    """Ask to close an open window before its published close, with a reason that is published
    with the results; another officer of the site's agency must confirm it."""
    command = early_close.request_early_close(platform, user, window_id, body)
    return run_command(platform, user, key, command)


@router.post("/windows/{window_id}/early-close/confirmation", response_model=EarlyCloseOut)
def confirm_early_close(
    window_id: Id,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_RUN)],
) -> EarlyCloseOut:
    """Confirm another officer's early close (never one's own); then the window may run."""
    command = early_close.confirm_early_close(platform, user, window_id)
    return run_command(platform, user, key, command)


@router.post("/windows/{window_id}/run", response_model=RunOut, status_code=201)
def run(
    window_id: Id,
    body: RunIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_RUN)],
) -> RunOut:
    """Allocate the seats of a closed window by the published rule. Before its published close:
    409, unless an early close was asked for and confirmed by a second officer."""
    return run_command(platform, user, key, runs.run_window(platform, user, window_id, body))


@router.post("/windows/{window_id}/seed-reveal", response_model=WindowOut)
def reveal(
    window_id: Id,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_RUN)],
) -> WindowOut:
    """Publish the seed, so anyone can re-run the draw (`corredor allocate --verify RUN_ID`)."""
    return run_command(platform, user, key, runs.reveal_seed(platform, user, window_id))


# ---- people and their caseworkers ----


@router.post("/requests", response_model=RequestOut, status_code=201)
def register(
    body: RequestIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_REQUEST)],
) -> RequestOut:
    """Ask for a place (a person, or a household as one request) while a window is open."""
    return run_command(platform, user, key, requests.register_request(platform, user, body, key))


@router.get("/requests/{request_id}", response_model=RequestOut)
def read_request(
    request_id: Id,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_READ_OWN_POSITION)],
) -> RequestOut:
    return requests.read_request(platform, user, request_id)


@router.get("/requests/{request_id}/position", response_model=PositionOut)
def position(
    request_id: Id,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_READ_OWN_POSITION)],
) -> PositionOut:
    """Your tier, your tickets, your draw number and key, your day or place in line."""
    return requests.position(platform, user, request_id)


def _booking_route(action: BookingAction, path: str, doc: str) -> None:
    # The permission is a local name, so it goes in a default (annotations are read as globals).
    def change(
        request_id: Id,
        key: IdempotencyKey,
        platform: PlatformDep,
        user: Principal = Depends(requires(PERMISSION[action])),  # noqa: B008
    ) -> BookingOut:
        command = bookings.change_booking(platform, user, request_id, action)
        return run_command(platform, user, key, command)

    change.__doc__ = doc
    router.add_api_route(
        f"/requests/{{request_id}}/{path}",
        change,
        methods=["POST"],
        response_model=BookingOut,
        name=f"booking_{action}",
    )


_booking_route(BookingAction.CONFIRM, "confirmation", "Confirm the appointment.")
_booking_route(
    BookingAction.CANCEL, "cancellation", "Cancel the request; its seats go to the next in line."
)
_booking_route(
    BookingAction.NO_SHOW,
    "no-show",
    "Record that the household did not come; its seats go to the next in line.",
)
_booking_route(
    BookingAction.CHECK_IN, "check-in", "Record that the household came to its appointment."
)


@router.post("/requests/{request_id}/reschedule", response_model=BookingOut)
def reschedule(
    request_id: Id,
    body: RescheduleIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.BOOKING_RESCHEDULE)],
) -> BookingOut:
    """Move the appointment to another day of the window with free seats; priority is kept."""
    command = bookings.reschedule_booking(platform, user, request_id, body)
    return run_command(platform, user, key, command)
