"""Plain-language English for clauses. Translations key on `Reason.key` and its params."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from corredor.screening.domain.rules import ClauseResult


def _words(values: Iterable[Any]) -> str:
    return ", ".join(str(value) for value in values)


_TEMPLATES: dict[str, str] = {
    "equals": "{fact} is {expected}",
    "in": "{fact} is one of {expected}",
    "not_in": "{fact} is not one of {expected}",
    "contains_any": "{fact} include one of {expected}",
    "on_or_before": "{fact} is on or before {expected}",
    "after": "{fact} is after {expected}",
    "age_at_least": "age is at least {expected}",
    "age_below": "age is under {expected}",
    "within_years": "{fact} is at most {expected} year(s) ago (the anniversary included)",
    "exists": "{fact} exists: {expected}",
}


def describe_requirement(result: ClauseResult) -> str:
    if result.label and result.label.get("en"):
        return result.label["en"]
    if result.kind != "clause":
        return "all of the conditions" if result.kind == "all" else "one of the conditions"
    fact = (result.fact or "").replace("_", " ").replace(".", " ")
    expected = result.expected
    if result.operator == "any_member":
        ages = ""
        if expected.age_below is not None:
            ages += f" under {expected.age_below}"
        if expected.age_at_least is not None:
            ages += f" aged {expected.age_at_least} or more"
        return f"the household includes a {'/'.join(expected.relation_in)}{ages}"
    if result.operator in ("any_entry", "no_entry"):
        some = "an" if result.operator == "any_entry" else "no"
        return (
            f"{some} irregular entry into {_words(expected.country_in)} "
            f"after {expected.after.isoformat()}"
        )
    shown = _words(expected) if isinstance(expected, list) else _value(expected)
    return _TEMPLATES[result.operator or "equals"].format(fact=fact, expected=shown)


def describe_actual(result: ClauseResult) -> str:
    """What the person said, in a few words; empty for groups."""
    if result.kind != "clause":
        return ""
    actual = result.actual
    if actual is None:
        return "none"
    if isinstance(actual, list):
        if not actual:
            return "none"
        return "; ".join(_value(item) for item in actual)
    return _value(actual)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return " ".join(_value(v) for v in value.model_dump().values())
    return str(value)
