"""What the staff pages of fair capacity share: the officer's sites, the groups a day may reserve
seats for, form error messages, and the refusal and conflict pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from fastapi.responses import Response

from corredor.allocation.pages.staff.forms import ERRORS
from corredor.allocation.schemas import MAX_DAYS
from corredor.kernel.errors import NotFound
from corredor.platform import Platform
from corredor.web.i18n import N_, pick
from corredor.web.page import Page

MAX_ID_LENGTH: Final = 36
DONE: Final[dict[str, str]] = {
    "capacity": N_("Capacity saved. The change is in the audit log, with the values it replaced."),
    "run": N_("The allocation has run. These are its counts."),
    "revealed": N_("The seed is revealed: anyone can now re-run the draw."),
    "early-close": N_(
        "The early close is asked for and in the audit log. Another officer of your agency "
        "must confirm it before the allocation can run."
    ),
    "confirmed": N_(
        "The early close is confirmed and in the audit log. The allocation may run now; the "
        "early close is published with its results."
    ),
}


def known_sites(platform: Platform) -> set[str]:
    return {place.id for place in platform.reference.sites}


def staged_pathways(platform: Platform, lang: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Pathways in force with phases: (id, title, [(phase id, phase title)])."""
    found = []
    for pathway in platform.catalogue.pathway_ids():
        policy = platform.catalogue.in_effect(pathway, platform.today())
        if policy is not None and policy.phases:
            phases = [(phase.id, pick(phase.title, lang) or phase.id) for phase in policy.phases]
            found.append((policy.id, pick(policy.titles, lang) or policy.id, phases))
    return found


def cohorts(platform: Platform, lang: str) -> list[tuple[str, str]]:
    """The groups a day may reserve seats for: the phases of the staged pathways in force."""
    seen: dict[str, str] = {}
    for _, _, phases in staged_pathways(platform, lang):
        for phase_id, title in phases:
            seen.setdefault(phase_id, title)
    return list(seen.items())


def messages(page: Page, errors: Mapping[str, str]) -> dict[str, str]:
    g = page.gettext
    return {field: g.gettext(ERRORS[key]) % {"days": MAX_DAYS} for field, key in errors.items()}


def refused(page: Page) -> Response:
    """The use case's refusal of an officer of another agency, as a 403 page."""
    g = page.gettext
    return page.render(
        "account/error.html",
        status_code=403,
        title=g.gettext("This site is run by another agency"),
        message=g.gettext(
            "Only officers of the agency that runs a site may change its capacity, open its "
            "request windows or run its allocation."
        ),
    )


def not_now(page: Page, message: str) -> Response:
    return page.render(
        "account/error.html",
        status_code=409,
        title=page.gettext.gettext("This cannot be done now"),
        message=message,
    )


def short_id(identifier: str) -> str:
    if not identifier or len(identifier) > MAX_ID_LENGTH:
        raise NotFound(identifier[:MAX_ID_LENGTH])  # no such id: the 404 page
    return identifier


def done_notice(page: Page) -> str | None:
    done = page.request.query_params.get("done", "")
    return page.gettext.gettext(DONE[done]) if done in DONE else None
