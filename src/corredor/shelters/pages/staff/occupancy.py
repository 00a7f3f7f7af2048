"""The shelter staff's pages (Spanish and English): the day's occupancy on one short form that
works on a phone over a weak connection (no script, one request to send, blanks read as 0),
with the last days' reports below it.

The form is `use_cases.record_occupancy`, the command POST /api/v1/shelters/{id}/occupancy
runs, keyed by the form's own key: the same permission, the same rule that staff act for their
own shelter only (another shelter is a 403 page), the same field-named problems, the same audit
entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput
from corredor.shelters import use_cases
from corredor.shelters.domain.occupancy import BREAKDOWN, COUNTS, WAITING, Problem
from corredor.shelters.domain.registry import Shelter
from corredor.shelters.schemas import OccupancyIn, OccupancyOut
from corredor.web.forms import KEY_FIELD, new_form_key, text
from corredor.web.i18n import N_
from corredor.web.nav import NavEntry, add_entry
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import staff_page, who_may

P = Permission
ShelterId = Annotated[str, Path(min_length=1, max_length=80)]
Recorder = Annotated[Principal, who_may(P.SHELTER_OCCUPANCY_RECORD)]
Reader = Annotated[Principal, who_may(P.SHELTER_OCCUPANCY_READ)]
WHOLE: Final = re.compile(r"^-?\d{1,7}$")
DAYS_SHOWN: Final = 7

LABELS: Final[dict[str, str]] = {
    "present": N_("People who slept here last night"),
    "female_0_17": N_("Girls (0 to 17)"),
    "male_0_17": N_("Boys (0 to 17)"),
    "female_18_59": N_("Women (18 to 59)"),
    "male_18_59": N_("Men (18 to 59)"),
    "female_60_plus": N_("Women (60 or older)"),
    "male_60_plus": N_("Men (60 or older)"),
    "families": N_("Families"),
    "unaccompanied_children": N_("Unaccompanied children"),
    "arrivals": N_("Arrivals"),
    "departures": N_("Departures"),
    "waiting_appointment": N_("Waiting for an appointment"),
    "waiting_parole": N_("Waiting for a parole decision"),
    "waiting_comar": N_("Waiting for COMAR (asylum in Mexico)"),
    "waiting_work": N_("Waiting for work"),
}
GROUPS: Final = (
    (N_("Who slept here, by sex and age"), BREAKDOWN),
    (N_("Families and children"), ("families", "unaccompanied_children")),
    (N_("Since yesterday"), ("arrivals", "departures")),
    (N_("People waiting, and for what"), WAITING),
)
PROBLEMS: Final[dict[str, str]] = {
    "whole": N_("Enter a whole number, or leave it empty for 0"),
    Problem.NEGATIVE: N_("A count cannot be below 0"),
    Problem.TOO_LARGE: N_("Enter at most 100,000"),
    Problem.BREAKDOWN_TOTAL: N_(
        "The people by sex and age must add up to the people who slept here"
    ),
    Problem.UNACCOMPANIED_OVER_CHILDREN: N_(
        "There cannot be more unaccompanied children than children"
    ),
    Problem.FAMILIES_OVER_PRESENT: N_("There cannot be more families than people"),
    Problem.WAITING_OVER_PRESENT: N_("The people waiting cannot be more than the people here"),
    Problem.OVER_CAPACITY_NEEDS_NOTE: N_(
        "More people than beds: say in the note why, so it is visible"
    ),
    "note_long": N_("Write at most 1,000 characters in the note"),
    "day": N_("A report is for today or one of the last 31 days"),
}


def parse(form: Mapping[str, Any]) -> tuple[OccupancyIn | None, dict[str, str]]:
    """The form's counts (a blank box is 0), or the boxes that are not whole numbers."""
    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    for field in COUNTS:
        raw = text(form, field).replace(" ", "")
        if not raw:
            counts[field] = 0
        elif WHOLE.match(raw):
            counts[field] = int(raw)
        else:
            errors[field] = "whole"
    if errors:
        return None, errors
    try:
        return OccupancyIn(note=text(form, "note") or None, **counts), {}
    except ValidationError:
        return None, {"note": "note_long"}


def add_shelter_pages(router: APIRouter, settings: WebSettings) -> None:
    add_entry(NavEntry("/staff/shelters", N_("Shelter occupancy"), P.SHELTER_OCCUPANCY_RECORD))

    @router.get("/staff/shelters", response_class=HTMLResponse)
    def my_shelters(request: Request, who: Reader) -> Response:
        page = staff_page(request, settings, who)
        shelters = use_cases.my_shelters(platform_of(request), who)
        if len(shelters) == 1:
            return page.redirect(f"/staff/shelters/{shelters[0].id}/occupancy")
        return page.render(
            "staff/shelters.html",
            title=page.gettext.gettext("Shelter occupancy"),
            shelters=shelters,
        )

    @router.get("/staff/shelters/{shelter_id}/occupancy", response_class=HTMLResponse)
    def occupancy_form(request: Request, shelter_id: ShelterId, who: Reader) -> Response:
        page = staff_page(request, settings, who)
        return _render(page, who, shelter_id, {}, {})

    @router.post("/staff/shelters/{shelter_id}/occupancy", response_class=HTMLResponse)
    async def record(request: Request, shelter_id: ShelterId, who: Recorder) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        body, errors = parse(form)
        if body is None:
            return _render(page, who, shelter_id, form, errors, status_code=400)
        platform = platform_of(request)
        sent = form.get(KEY_FIELD)
        key = f"web:{sent}" if isinstance(sent, str) and 0 < len(sent) <= 64 else new_form_key()
        try:
            run_command(
                platform, who, key, use_cases.record_occupancy(platform, who, shelter_id, body)
            )
        except use_cases.OccupancyRejected as rejected:
            found = {problem.field: problem.problem for problem in rejected.problems}
            return _render(page, who, shelter_id, form, found, status_code=400)
        except InvalidInput as error:
            return _render(page, who, shelter_id, form, {error.field: error.field}, 400)
        return page.redirect(f"/staff/shelters/{shelter_id}/occupancy?done=1")


def _history_row(page: Page, report: OccupancyOut) -> dict[str, Any]:
    return {
        "day": page.fmt.date(report.day),
        "revision": report.revision,
        "present": page.fmt.number(report.present),
        "free": page.fmt.number(report.free_places),
        "waiting": page.fmt.number(report.waiting),
        "over": report.over_capacity,
        "note": report.note or "",
        "at": page.fmt.datetime(report.recorded_at),
    }


def _render(  # noqa: PLR0917 - the page, who, which shelter, what was typed, what is wrong
    page: Page,
    who: Principal,
    shelter_id: str,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    status_code: int = 200,
) -> Response:
    g = page.gettext
    platform = platform_of(page.request)
    shelter: Shelter = use_cases.staffed_shelter(platform, who, shelter_id)
    history = use_cases.occupancy_history(platform, who, shelter_id, DAYS_SHOWN)
    title = g.gettext("Occupancy today: %(shelter)s") % {"shelter": shelter.name}
    return page.render(
        "staff/shelter_occupancy.html",
        status_code=status_code,
        title=(g.gettext("Error") + ": " if errors else "") + title,
        heading=title,
        shelter=shelter,
        today=page.fmt.date(platform.today()),
        labels={field: g.gettext(label) for field, label in LABELS.items()},
        groups=[(g.gettext(legend), fields) for legend, fields in GROUPS],
        values=values,
        errors={field: g.gettext(PROBLEMS[key]) for field, key in errors.items()},
        history=[_history_row(page, report) for report in history],
        done=page.request.query_params.get("done") == "1",
    )
