"""What the appointment pages say about windows, requests and draws, in plain language.

Only words and formatting: every figure comes from a use case's answer (`WindowOut`, `RequestOut`,
`PositionOut`, `RunResultsOut`), so a page never states a rule the services do not apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fastapi import Request

from corredor.allocation.domain.rule import AllocationRule
from corredor.allocation.pages.results import TIERS, site_names
from corredor.allocation.schemas import (
    AppointmentOut,
    PositionOut,
    RequestOut,
    RunResultsOut,
    WindowOut,
)
from corredor.api.security import platform_of
from corredor.web.i18n import N_
from corredor.web.labels import named
from corredor.web.page import Page

# What each request status means to the person, in a few words.
STATUSES: Final[dict[str, str]] = {
    "registered": N_("Registered: waiting for the draw"),
    "assigned": N_("Appointment given: please confirm it"),
    "confirmed": N_("Appointment confirmed"),
    "waitlisted": N_("On the waiting list"),
    "not_open": N_("Not this time: your group is not open yet"),
    "no_capacity": N_("Not this time: no places at this site"),
    "cancelled": N_("Cancelled"),
    "no_show": N_("You did not come to the appointment"),
    "attended": N_("You came to your appointment"),
}

# What happens next, for each status (the longer sentence of the status page).
NEXT: Final[dict[str, str]] = {
    "assigned": N_(
        "Please confirm that you will come. If you cannot come that day, choose another day "
        "with free places, or cancel so that your places go to the next person in line."
    ),
    "confirmed": N_("Bring the documents of every person in your request."),
    "waitlisted": N_(
        "Every place was given, but your request stays active: if someone cancels, their "
        "places go to the next person in line, and you will see your appointment here."
    ),
    "not_open": N_(
        "The group your household belongs to is not served yet. You can ask again in a "
        "later window; the time you have waited still counts."
    ),
    "no_capacity": N_(
        "This draw had no places at this site. You can ask again in a later window; the time "
        "you have waited still counts."
    ),
    "cancelled": N_(
        "Your places went to the next person in line. You can ask again in a later window; "
        "the time you have waited still counts."
    ),
    "no_show": N_("You can ask again in a later window."),
    "attended": N_("This request is finished."),
}

# Why a request is in its tier, with the rule's own numbers.
TIER_MEANINGS: Final[dict[str, str]] = {
    "urgent": N_(
        "A caseworker or INM officer recorded an urgent medical or protection need. These "
        "requests are drawn first."
    ),
    "long_wait": N_(
        "You have waited %(days)s days or more since your first request. These requests are "
        "drawn right after urgent ones."
    ),
    "standard": N_(
        "You have waited less than %(days)s days since your first request. These requests are "
        "drawn after urgent and long-wait requests."
    ),
}

TICKETS: Final = N_(
    "One ticket, plus one for every full %(days)s days you have waited, up to %(most)s. Your "
    "best ticket gives your draw number."
)

SITE_KINDS: Final[dict[str, str]] = {
    "inm": N_("INM office where the humanitarian visitor card (TVRH) is issued"),
    "assisted": N_("Parole interview with CBP, in Mexico City"),
    "port": N_("Port of entry to the United States"),
}


def site_kind(request: Request, site_id: str, page: Page) -> str:
    """What happens at the site, in plain words (border points, the assisted site, ports)."""
    reference = platform_of(request).reference
    kind = None
    if reference.border_point(site_id) is not None:
        kind = SITE_KINDS["inm"]
    elif reference.assisted_site(site_id) is not None:
        kind = SITE_KINDS["assisted"]
    elif reference.port(site_id) is not None:
        kind = SITE_KINDS["port"]
    return page._(kind) if kind else ""


@dataclass(frozen=True)
class SiteView:
    name: str
    kind: str


@dataclass(frozen=True)
class WindowView:
    id: str
    sites: list[SiteView]
    first_day: str
    last_day: str
    closes_at: str
    commitment: str


def window_view(page: Page, window: WindowOut) -> WindowView:
    names = site_names(page.request)
    return WindowView(
        id=window.id,
        sites=[
            SiteView(names.get(site, site), site_kind(page.request, site, page))
            for site in window.site_ids
        ],
        first_day=page.fmt.date(window.first_day),
        last_day=page.fmt.date(window.last_day),
        closes_at=page.fmt.datetime(window.closes_at),
        commitment=window.seed_commitment,
    )


@dataclass(frozen=True)
class AppointmentView:
    site: str
    day: str
    seats: str


def appointment_view(page: Page, appointment: AppointmentOut | None) -> AppointmentView | None:
    if appointment is None:
        return None
    return AppointmentView(
        site=site_names(page.request).get(appointment.site_id, appointment.site_id),
        day=page.fmt.date(appointment.day),
        seats=", ".join(page.fmt.number(seat) for seat in appointment.seats),
    )


@dataclass(frozen=True)
class RequestRow:
    id: str
    site: str
    status: str
    appointment: AppointmentView | None
    people: str


def request_row(page: Page, request: RequestOut) -> RequestRow:
    return RequestRow(
        id=request.id,
        site=site_names(page.request).get(request.site_id, request.site_id),
        status=named(STATUSES, request.status, page.gettext),
        appointment=appointment_view(page, request.appointment),
        people=page.fmt.number(request.size),
    )


@dataclass(frozen=True)
class DrawView:
    tier: str
    meaning: str
    draw_number: str
    tickets: str
    tickets_rule: str
    draw_key: str | None
    in_tier: str | None  # requests of the same site and tier in the draw
    seated_in_tier: str | None  # of those, how many were given places
    waitlist_position: str | None


def draw_view(
    page: Page,
    position: PositionOut,
    rule: AllocationRule,
    site_id: str,
    results: RunResultsOut | None,
) -> DrawView | None:
    """The person's place in the draw, with the published count of their tier at their site."""
    if position.tier is None:
        return None
    number = page.fmt.number
    count = next(
        (
            c
            for c in (results.counts if results else [])
            if c.site_id == site_id and c.tier == position.tier
        ),
        None,
    )
    meaning = page._(TIER_MEANINGS[position.tier]) if position.tier in TIER_MEANINGS else ""
    return DrawView(
        tier=named(TIERS, position.tier, page.gettext),
        meaning=meaning % {"days": number(rule.long_wait_days)} if meaning else "",
        draw_number=number(position.draw_number or 0),
        tickets=number(position.tickets or 0),
        tickets_rule=page._(TICKETS)
        % {"days": number(rule.days_per_ticket), "most": number(rule.max_tickets)},
        draw_key=position.draw_key,
        in_tier=number(count.requests) if count else None,
        seated_in_tier=number(count.assigned_requests) if count else None,
        waitlist_position=number(position.waitlist_position)
        if position.waitlist_position
        else None,
    )
