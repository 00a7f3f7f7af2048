"""Fair capacity: capacity, request windows, registration, the run, bookings and results."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from corredor.allocation.domain.booking import BookingAction
from corredor.api.security import PUBLIC, platform_of, requires
from corredor.api.submit import IdempotencyKey, submit
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.services import (
    allocation,
    allocation_bookings,
    allocation_run,
    allocation_store,
    allocation_views,
)
from corredor.services.allocation_schemas import (
    BookingOut,
    CapacityDayOut,
    CapacityIn,
    PositionOut,
    RequestIn,
    RequestOut,
    RescheduleIn,
    RunIn,
    RunResultsOut,
    WindowIn,
    WindowOut,
)
from corredor.services.platform import Platform

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
    with platform.db.transaction() as s:
        return allocation.list_capacity(platform, s, site_id, from_day, until)


@router.get("/windows", response_model=list[WindowOut], dependencies=[Depends(PUBLIC)])
def windows(platform: PlatformDep) -> list[WindowOut]:
    """Windows open or still filling days, each with its seed commitment."""
    with platform.db.transaction() as s:
        return allocation.current_windows(platform, s)


@router.get("/windows/{window_id}", response_model=WindowOut, dependencies=[Depends(PUBLIC)])
def window(window_id: Id, platform: PlatformDep) -> WindowOut:
    """A window: sites, days, rule, the commitment published at opening, the seed once revealed."""
    with platform.db.transaction() as s:
        return allocation.window_out(s, allocation_store.load_window(s, window_id))


@router.get("/runs/{run_id}/results", response_model=RunResultsOut, dependencies=[Depends(PUBLIC)])
def results(run_id: Id, platform: PlatformDep) -> RunResultsOut:
    """Counts per site and tier, digests and the seed: no names, no request ids."""
    with platform.db.transaction() as s:
        return allocation_views.results(s, run_id)


# ---- operators ----


@router.post("/capacity", response_model=list[CapacityDayOut])
def set_capacity(
    body: CapacityIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.CAPACITY_UPDATE)],
) -> object:
    """Set seats and cohort quotas for days at a site (audited, with the values replaced)."""
    return submit(
        platform,
        user,
        key,
        "capacity:update",
        body.model_dump(mode="json", by_alias=True),
        lambda s: allocation.set_capacity(platform, s, user, body),
    )


@router.post("/windows", response_model=WindowOut, status_code=201)
def open_window(
    body: WindowIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_WINDOW)],
) -> object:
    """Open a request window; its seed commitment is public from now on."""
    return submit(
        platform,
        user,
        key,
        "allocation:window",
        body,
        lambda s: allocation.open_window(platform, s, user, body),
    )


@router.post("/windows/{window_id}/run", status_code=201)
def run(
    window_id: Id,
    body: RunIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_RUN)],
) -> object:
    """Close the window and allocate its seats by the published rule."""
    return submit(
        platform,
        user,
        key,
        f"allocation:{window_id}:run",
        body,
        lambda s: allocation_run.run_window(platform, s, user, window_id, body),
    )


@router.post("/windows/{window_id}/seed-reveal", response_model=WindowOut)
def reveal(
    window_id: Id,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_RUN)],
) -> object:
    """Publish the seed, so anyone can re-run the draw (`corredor allocate --verify RUN_ID`)."""
    return submit(
        platform,
        user,
        key,
        f"allocation:{window_id}:reveal",
        None,
        lambda s: allocation_run.reveal_seed(platform, s, user, window_id),
    )


# ---- people and their caseworkers ----


@router.post("/requests", response_model=RequestOut, status_code=201)
def register(
    body: RequestIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_REQUEST)],
) -> object:
    """Ask for a place (a person, or a household as one request) while a window is open."""
    return submit(
        platform,
        user,
        key,
        "allocation:request",
        body,
        lambda s: allocation.register(platform, s, user, body, key),
    )


@router.get("/requests/{request_id}", response_model=RequestOut)
def read_request(
    request_id: Id,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_READ_OWN_POSITION)],
) -> RequestOut:
    with platform.db.transaction() as s:
        return allocation_views.read_request(s, user, request_id)


@router.get("/requests/{request_id}/position", response_model=PositionOut)
def position(
    request_id: Id,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.ALLOCATION_READ_OWN_POSITION)],
) -> PositionOut:
    """Your tier, your tickets, your draw number and key, your day or place in line."""
    with platform.db.transaction() as s:
        return allocation_views.position(s, user, request_id)


def _booking_route(action: BookingAction, path: str, permission: Permission, doc: str) -> None:
    # `permission` is a local name, so it goes in a default (annotations are read as globals).
    def change(
        request_id: Id,
        key: IdempotencyKey,
        platform: PlatformDep,
        user: Principal = Depends(requires(permission)),  # noqa: B008
    ) -> object:
        return submit(
            platform,
            user,
            key,
            f"allocation:{request_id}:{action}",
            None,
            lambda s: allocation_bookings.change(platform, s, user, request_id, action),
        )

    change.__doc__ = doc
    router.add_api_route(
        f"/requests/{{request_id}}/{path}",
        change,
        methods=["POST"],
        response_model=BookingOut,
        name=f"booking_{action}",
    )


_booking_route(
    BookingAction.CONFIRM, "confirmation", Permission.BOOKING_CONFIRM, "Confirm the appointment."
)
_booking_route(
    BookingAction.CANCEL,
    "cancellation",
    Permission.BOOKING_CANCEL,
    "Cancel the request; its seats go to the next in line.",
)
_booking_route(
    BookingAction.NO_SHOW,
    "no-show",
    Permission.BOOKING_NO_SHOW,
    "Record that the household did not come; its seats go to the next in line.",
)
_booking_route(
    BookingAction.CHECK_IN,
    "check-in",
    Permission.BOOKING_CHECK_IN,
    "Record that the household came to its appointment.",
)


@router.post("/requests/{request_id}/reschedule", response_model=BookingOut)
def reschedule(
    request_id: Id,
    body: RescheduleIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, _who(Permission.BOOKING_RESCHEDULE)],
) -> object:
    """Move the appointment to another day of the window with free seats; priority is kept."""
    return submit(
        platform,
        user,
        key,
        f"allocation:{request_id}:reschedule",
        body,
        lambda s: allocation_bookings.reschedule(platform, s, user, request_id, body),
    )
