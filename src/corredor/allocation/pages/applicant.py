"""The applicant's appointments as pages: the windows open for requests and their own requests,
the status of one request ("your tier, your draw number", the appointment), and confirming,
cancelling or moving it.

Each page calls the use case the API route of the same purpose calls (`allocation.use_cases`)
with the signed-in person, so the same permissions and scope apply: an applicant sees only their
own requests (others' are 404). Every change is a command run with the form's key, so pressing a
button twice acts once. Asking for an appointment is in `new_request`.

Here the booking a request won is "your appointment", as the applicant knows it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.allocation.domain.booking import BookingAction
from corredor.allocation.pages.applicant_views import (
    NEXT,
    STATUSES,
    appointment_view,
    draw_view,
    request_row,
    window_view,
)
from corredor.allocation.pages.forms import form_key
from corredor.allocation.pages.new_request import add_request_pages
from corredor.allocation.schemas import RequestOut, RescheduleIn
from corredor.allocation.use_cases import bookings, requests
from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.web.forms import text
from corredor.web.i18n import N_
from corredor.web.labels import named
from corredor.web.nav import NavEntry, add_entry
from corredor.web.page import Page, WebSettings, checked_form
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
# The moves these pages offer on a booking (the use cases say which the caller may make).
OFFERED: Final = (BookingAction.CONFIRM, BookingAction.RESCHEDULE, BookingAction.CANCEL)


def offered(actions: list[str]) -> list[str]:
    return [str(action) for action in OFFERED if str(action) in actions]


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
        mine = requests.my_requests_overview(platform_of(request), who)
        return page.render(
            "account/appointments.html",
            title=page._("Your appointment"),
            requests=[request_row(page, r) for r in mine.requests],
            active=mine.has_active,
            windows=[window_view(page, w) for w in mine.windows_taking_requests],
            may_ask=mine.may_ask,
        )

    add_request_pages(router, settings)  # /appointments/new…, before /appointments/{id}
    _add_status_page(router, settings)
    _add_booking_pages(router, settings)


def _add_status_page(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/appointments/{request_id}", response_class=HTMLResponse)
    def status(request: Request, request_id: RequestId, who: Reader) -> Response:
        page = signed_in_page(request, settings, who)
        # others' requests are a 404; the position read is audited, as the API's
        standing = requests.request_standing(platform_of(request), who, request_id)
        mine, position, window = standing.request, standing.position, standing.window
        done = request.query_params.get("done", "")
        return page.render(
            "account/appointment.html",
            title=named(STATUSES, position.status, page.gettext),
            request=request_row(page, mine),
            status=position.status,
            next_step=named(NEXT, position.status, page.gettext) if position.status in NEXT else "",
            appointment=appointment_view(page, position.appointment),
            draw=draw_view(page, position, window.rule, mine.site_id, standing.results),
            window=window_view(page, window),
            run_id=window.run_id,
            seed=position.seed,
            actions=offered(standing.actions),
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
        options = bookings.booking_options(platform_of(request), who, request_id)
        if BookingAction.CANCEL not in offered(options.actions):
            return page.redirect(f"/appointments/{request_id}?problem=changed")
        return page.render(
            "account/appointment_cancel.html",
            title=page._("Are you sure you want to cancel your request?"),
            request=request_row(page, options.request),
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
        options = bookings.booking_options(platform_of(request), who, request_id)
        if BookingAction.RESCHEDULE not in offered(options.actions):
            return page.redirect(f"/appointments/{request_id}?problem=changed")
        return render(page, options.request, options.free_days, "", {})

    @router.post("/appointments/{request_id}/reschedule", response_class=HTMLResponse)
    async def move(request: Request, request_id: RequestId, who: Mover) -> Response:
        page = signed_in_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        options = bookings.booking_options(platform, who, request_id)
        mine, days = options.request, options.free_days
        chosen = text(form, "day")
        if chosen not in {day.isoformat() for day in days}:
            return render(page, mine, days, chosen, {"day": page._(NO_DAY)}, status_code=400)
        body = RescheduleIn(day=date.fromisoformat(chosen))
        command = bookings.reschedule_booking(platform, who, request_id, body)
        try:
            run_command(platform, who, form_key(form), command)
        except (Conflict, InvalidInput):
            days = bookings.booking_options(platform, who, request_id).free_days
            return render(page, mine, days, chosen, {"day": page._(DAY_TAKEN)}, status_code=409)
        return page.redirect(f"/appointments/{request_id}?done=rescheduled")
