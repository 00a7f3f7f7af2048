"""The applicant's appointments as pages: the windows open for requests and their own requests,
the status of one request ("your tier, your draw number", the appointment), and confirming,
cancelling or moving it.

Each page calls the use case the API route of the same purpose calls (`allocation.use_cases`)
with the signed-in person, so the same permissions and scope apply: an applicant sees only their
own requests (others' are 404). Every change goes through the idempotency store with the form's
key, so pressing a button twice acts once. Asking for an appointment is in `appointment_request`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.allocation.domain.booking import ACTIVE, BookingAction, RequestStatus
from corredor.allocation.pages.forms import form_key
from corredor.allocation.schemas import RequestOut, RescheduleIn, WindowOut
from corredor.allocation.use_cases import bookings, requests, runs, windows
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, Role, may
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.web.appointment_answers import known_windows, taking_requests
from corredor.web.appointment_request import add_request_pages
from corredor.web.appointment_views import (
    NEXT,
    STATUSES,
    appointment_view,
    draw_view,
    request_row,
    window_view,
)
from corredor.web.forms import text
from corredor.web.labels import named
from corredor.web.nav import NavEntry, add_entry
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.screener import N_
from corredor.web.session import page_requires, signed_in_page

P = Permission
RequestId = Annotated[str, Path(min_length=1, max_length=36)]
Reader = Annotated[Principal, Depends(page_requires(P.ALLOCATION_READ_OWN_POSITION))]
Confirmer = Annotated[Principal, Depends(page_requires(P.BOOKING_CONFIRM))]
Canceller = Annotated[Principal, Depends(page_requires(P.BOOKING_CANCEL))]
Mover = Annotated[Principal, Depends(page_requires(P.BOOKING_RESCHEDULE))]

DONE: Final[dict[str, str]] = {
    "registered": N_("Your request was registered. You are in the draw."),
    "confirmed": N_("Your appointment is confirmed."),
    "cancelled": N_("Your request was cancelled. Its places went to the next person in line."),
    "rescheduled": N_("Your appointment was moved. Your place in the draw stays the same."),
}
CHANGED: Final = N_("This could not be done: your request has changed. Here is what it is now.")
NO_DAY: Final = N_("Choose a day with free places")
DAY_TAKEN: Final = N_("That day has no free places any more. Choose another day.")
# The actions a person may take on their request, with the permission each needs.
ACTIONS: Final[dict[str, Permission]] = {
    BookingAction.CONFIRM: P.BOOKING_CONFIRM,
    BookingAction.RESCHEDULE: P.BOOKING_RESCHEDULE,
    BookingAction.CANCEL: P.BOOKING_CANCEL,
}


def _request_and_window(
    request: Request, who: Principal, request_id: str
) -> tuple[RequestOut, WindowOut]:
    platform = platform_of(request)
    mine = requests.read_request(platform, who, request_id)  # others' are NotFound: 404
    return mine, windows.window(platform, mine.window_id)


def actions_for(who: Principal, mine: RequestOut) -> list[str]:
    return [
        str(action)
        for action, permission in ACTIONS.items()
        if str(action) in mine.allowed_actions and may(who.role, permission)
    ]


def free_days(request: Request, mine: RequestOut, window: WindowOut) -> list[date]:
    """Days of the window, from today, with enough free places for the whole request."""
    platform = platform_of(request)
    current = mine.appointment.day if mine.appointment else None
    first = max(window.first_day, platform.today())
    if first > window.last_day:
        return []
    days = windows.capacity(platform, mine.site_id, first, window.last_day)
    return [d.day for d in days if d.day != current and d.seats - d.seats_taken >= mine.size]


def add_appointment_pages(router: APIRouter, settings: WebSettings) -> None:
    """Add the pages of this area to `router`."""
    add_entry(
        NavEntry(
            "/appointments",
            N_("Your appointment"),
            P.ALLOCATION_READ_OWN_POSITION,
            frozenset({Role.APPLICANT}),
        )
    )

    @router.get("/appointments", response_class=HTMLResponse)
    def appointments(request: Request, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        mine = requests.my_requests(platform, who)
        may_ask = may(who.role, P.ALLOCATION_REQUEST)
        windows = taking_requests(known_windows(platform)) if may_ask else []
        return page.render(
            "account/appointments.html",
            title=page._("Your appointment"),
            requests=[request_row(page, r) for r in mine],
            active=any(RequestStatus(r.status) in ACTIVE for r in mine),
            windows=[window_view(page, w) for w in windows],
            may_ask=may_ask,
        )

    add_request_pages(router, settings)  # /appointments/new…, before /appointments/{id}
    _add_status_page(router, settings)
    _add_booking_pages(router, settings)


def _add_status_page(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/appointments/{request_id}", response_class=HTMLResponse)
    def status(request: Request, request_id: RequestId, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        mine = requests.read_request(platform, who, request_id)  # others' are a 404
        position = requests.position(platform, who, request_id)  # audited, as the API's
        window = windows.window(platform, mine.window_id)
        results = runs.results(platform, window.run_id) if window.run_id else None
        done = request.query_params.get("done", "")
        return page.render(
            "account/appointment.html",
            title=named(STATUSES, position.status, page.gettext),
            request=request_row(page, mine),
            status=position.status,
            next_step=named(NEXT, position.status, page.gettext) if position.status in NEXT else "",
            appointment=appointment_view(page, position.appointment),
            draw=draw_view(page, position, window.rule, mine.site_id, results),
            window=window_view(page, window),
            run_id=window.run_id,
            seed=position.seed,
            actions=actions_for(who, mine),
            done=page._(DONE[done]) if done in DONE else None,
            changed=page._(CHANGED) if request.query_params.get("problem") == "changed" else None,
        )


def _add_booking_pages(router: APIRouter, settings: WebSettings) -> None:
    def change(
        page: Page, form: Any, request_id: str, action: BookingAction, done: str
    ) -> Response:
        assert page.who is not None
        who = page.who
        platform = platform_of(page.request)
        command = bookings.change_booking(platform, who, request_id, action)
        try:
            run_command(platform, who, form_key(form), command)
        except (Conflict, InvalidInput):  # its state moved on, or an old form sent again
            return page.redirect(f"/appointments/{request_id}?problem=changed")
        return page.redirect(f"/appointments/{request_id}?done={done}")

    @router.post("/appointments/{request_id}/confirmation")
    async def confirm(
        request: Request,
        request_id: RequestId,
        who: Confirmer,
    ) -> Response:
        page = signed_in_page(request, settings, who)
        form = await checked_form(request)
        return change(page, form, request_id, BookingAction.CONFIRM, "confirmed")

    @router.get("/appointments/{request_id}/cancellation", response_class=HTMLResponse)
    def ask_to_cancel(
        request: Request,
        request_id: RequestId,
        who: Canceller,
    ) -> Response:
        page = signed_in_page(request, settings, who)
        mine, _ = _request_and_window(request, who, request_id)
        if BookingAction.CANCEL not in actions_for(who, mine):
            return page.redirect(f"/appointments/{request_id}?problem=changed")
        return page.render(
            "account/appointment_cancel.html",
            title=page._("Are you sure you want to cancel your request?"),
            request=request_row(page, mine),
        )

    @router.post("/appointments/{request_id}/cancellation")
    async def cancel(
        request: Request,
        request_id: RequestId,
        who: Canceller,
    ) -> Response:
        page = signed_in_page(request, settings, who)
        form = await checked_form(request)
        return change(page, form, request_id, BookingAction.CANCEL, "cancelled")

    _add_reschedule_pages(router, settings)


def _add_reschedule_pages(router: APIRouter, settings: WebSettings) -> None:
    def render(
        page: Page,
        mine: RequestOut,
        days: list[date],
        chosen: str,
        errors: dict[str, str],
        *,
        status_code: int = 200,
    ) -> Response:
        return page.render(
            "account/appointment_reschedule.html",
            status_code=status_code,
            title=(page._("Error") + ": " if errors else "") + page._("Choose another day"),
            request=request_row(page, mine),
            days=[(day.isoformat(), page.fmt.date(day)) for day in days],
            chosen=chosen,
            errors=errors,
        )

    @router.get("/appointments/{request_id}/reschedule", response_class=HTMLResponse)
    def choose_day(request: Request, request_id: RequestId, who: Mover) -> Response:
        page = signed_in_page(request, settings, who)
        mine, window = _request_and_window(request, who, request_id)
        if BookingAction.RESCHEDULE not in actions_for(who, mine):
            return page.redirect(f"/appointments/{request_id}?problem=changed")
        return render(page, mine, free_days(request, mine, window), "", {})

    @router.post("/appointments/{request_id}/reschedule", response_class=HTMLResponse)
    async def move(request: Request, request_id: RequestId, who: Mover) -> Response:
        page = signed_in_page(request, settings, who)
        form = await checked_form(request)
        mine, window = _request_and_window(request, who, request_id)
        days = free_days(request, mine, window)
        chosen = text(form, "day")
        if chosen not in {day.isoformat() for day in days}:
            return render(page, mine, days, chosen, {"day": page._(NO_DAY)}, status_code=400)
        body = RescheduleIn(day=date.fromisoformat(chosen))
        platform = platform_of(request)
        command = bookings.reschedule_booking(platform, who, request_id, body)
        try:
            run_command(platform, who, form_key(form), command)
        except (Conflict, InvalidInput):
            days = free_days(request, mine, window)
            return render(page, mine, days, chosen, {"day": page._(DAY_TAKEN)}, status_code=409)
        return page.redirect(f"/appointments/{request_id}?done=rescheduled")
