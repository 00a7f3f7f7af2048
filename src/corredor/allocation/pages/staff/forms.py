"""The capacity and request-window forms of the staff pages, read into the schemas the API takes
(`CapacityIn`, `WindowIn`). Each problem is named by the id of the field to fix, with a message
key of `ERRORS`, so the error summary links to it and the page keeps what was typed.

These checks only name fields: the use cases decide (an officer of another agency is refused
there, and a clash with another window or seats already given are their conflicts).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from pydantic import ValidationError

from corredor.allocation.schemas import MAX_DAYS, CapacityIn, WindowIn
from corredor.web.forms import choices, day_of, text
from corredor.web.i18n import DISPLAY_ZONE, N_

MAX_SEATS: Final = 100_000
WHOLE: Final = re.compile(r"^(\d+|\d{1,3}([.,\u00a0 ]\d{3})+)$")
TIME: Final = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
Errors = dict[str, str]

# message keys -> msgids; `%(days)s` is the longest range the schemas accept
ERRORS: Final[dict[str, str]] = {
    "site": N_("Choose the site"),
    "from": N_("Enter the first day as a real date"),
    "until": N_("Enter the last day as a real date, or leave it empty for one day"),
    "until_before": N_("The last day must not be before the first day"),
    "too_long": N_("Set at most %(days)s days at once"),
    "seats": N_("Enter the seats a day as a whole number from 0 to 100,000"),
    "seats_taken": N_(
        "More seats are already given on one of these days than you entered: "
        "enter more seats, or cancel bookings first"
    ),
    "quota": N_("Enter the seats reserved as a whole number, or leave it empty"),
    "quotas_sum": N_("The seats reserved for groups add up to more than the seats a day"),
    "sites": N_("Choose at least one site"),
    "first": N_("Enter the first appointment day as a real date"),
    "last": N_("Enter the last appointment day as a real date, not before the first"),
    "window_too_long": N_("A window fills at most %(days)s days"),
    "closes": N_("Enter when requests close: a real date and a time such as 18:00, in the future"),
    "policy": N_("Choose a pathway from the list, or none"),
    "clash": N_("Another window already fills some of these days at one of these sites"),
    "seed": N_("Enter the 64 hexadecimal characters of the seed whose SHA-256 you committed to"),
    "reason": N_(
        "Enter why the window must close early, in 10 to 500 characters: it is published with "
        "the results, so name no one"
    ),
}

# the schemas' field names -> (the form's field id, the message key)
CAPACITY_FIELDS: Final = {
    "site_id": ("site", "site"),
    "from": ("from-day", "from"),
    "until": ("until-day", "until"),
    "seats": ("seats", "seats"),
    "quotas": ("seats", "quotas_sum"),
}
WINDOW_FIELDS: Final = {
    "site_ids": ("sites", "sites"),
    "first_day": ("first-day", "first"),
    "last_day": ("last-day", "last"),
    "closes_at": ("closes-day", "closes"),
}


def _whole(raw: str) -> int | None:
    """A whole number, with or without thousands separators ("1450", "1,450", "1.450")."""
    if not WHOLE.match(raw):
        return None
    return int(re.sub(r"\D", "", raw))


def _empty(form: Mapping[str, Any], prefix: str) -> bool:
    return not any(text(form, f"{prefix}{part}") for part in ("day", "month", "year"))


def quota_field(cohort: str) -> str:
    return f"quota-{cohort}"


def parse_capacity(
    form: Mapping[str, Any], site_ids: Collection[str], cohorts: Sequence[str]
) -> tuple[CapacityIn | None, Errors]:
    """Seats a day at a site over a range of days, with the seats reserved per group."""
    errors: Errors = {}
    site = text(form, "site")
    if site not in site_ids:
        errors["site"] = "site"
    first = day_of(form, "from-")
    if first is None:
        errors["from-day"] = "from"
    last = None if _empty(form, "until-") else day_of(form, "until-")
    if last is None and not _empty(form, "until-"):
        errors["until-day"] = "until"
    elif first is not None and last is not None:
        if last < first:
            errors["until-day"] = "until_before"
        elif (last - first).days >= MAX_DAYS:
            errors["until-day"] = "too_long"
    seats = _whole(text(form, "seats"))
    if seats is None or seats > MAX_SEATS:
        errors["seats"] = "seats"
    quotas: dict[str, int] = {}
    for cohort in cohorts:
        raw = text(form, quota_field(cohort))
        reserved = _whole(raw) if raw else 0
        if reserved is None or reserved > MAX_SEATS:
            errors[quota_field(cohort)] = "quota"
        elif reserved:
            quotas[cohort] = reserved
    if seats is not None and quotas and sum(quotas.values()) > seats:
        errors.setdefault(quota_field(next(iter(quotas))), "quotas_sum")
    if errors or first is None or seats is None:
        return None, errors
    try:
        return CapacityIn(site_id=site, from_day=first, until=last, seats=seats, quotas=quotas), {}
    except ValidationError as error:  # the checks above mirror the schema's; kept as a net
        return None, _schema_errors(error, CAPACITY_FIELDS, ("seats", "seats"))


def closes_at(form: Mapping[str, Any]) -> datetime | None:
    """The day and time requests close, typed in Mexico City time."""
    day = day_of(form, "closes-")
    found = TIME.match(text(form, "closes-time"))
    if day is None or found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DISPLAY_ZONE)


def parse_window(
    form: Mapping[str, Any],
    site_ids: Collection[str],
    pathways: Collection[str],
    moment: datetime,
) -> tuple[WindowIn | None, Errors]:
    """A request window: its sites, the appointment days its run fills, when requests close."""
    errors: Errors = {}
    sites = list(dict.fromkeys(choices(form, "sites")))
    if not sites or any(site not in site_ids for site in sites):
        errors["sites"] = "sites"
    first, last = day_of(form, "first-"), day_of(form, "last-")
    if first is None:
        errors["first-day"] = "first"
    if last is None or (first is not None and last < first):
        errors["last-day"] = "last"
    elif first is not None and (last - first).days >= MAX_DAYS:
        errors["last-day"] = "window_too_long"
    closing = closes_at(form)
    if closing is None or closing <= moment:
        errors["closes-day"] = "closes"
    policy = text(form, "policy") or None
    if policy is not None and policy not in pathways:
        errors["policy"] = "policy"
    if errors or first is None or last is None or closing is None:
        return None, errors
    try:
        window = WindowIn(
            site_ids=sites, first_day=first, last_day=last, closes_at=closing, policy_id=policy
        )
    except ValidationError as error:
        return None, _schema_errors(error, WINDOW_FIELDS, ("sites", "sites"))
    return window, {}


def _schema_errors(
    error: ValidationError, fields: Mapping[str, tuple[str, str]], default: tuple[str, str]
) -> Errors:
    """The schema's own refusals, by field: its `loc`, or the `name:` its message starts with."""
    found: Errors = {}
    for problem in error.errors():
        message = str(problem.get("msg", "")).removeprefix("Value error, ")
        name = str(problem["loc"][0]) if problem["loc"] else message.split(":")[0]
        field, key = fields.get(name, default)
        found.setdefault(field, key)
    return found
