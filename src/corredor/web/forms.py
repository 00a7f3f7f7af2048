"""Small helpers the signed-in forms share: the form key that makes a command run once, and
reading text, dates and choices."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

KEY_FIELD: Final = "form_key"


def new_form_key() -> str:
    """Put in each rendered form: pressing the button twice submits the action once."""
    return uuid.uuid4().hex


def command_key(form: Mapping[str, Any]) -> str:
    """The idempotency key of a form's command: its own key, or a new one if it sent none."""
    sent = form.get(KEY_FIELD)
    return f"web:{sent}" if isinstance(sent, str) and 0 < len(sent) <= 64 else new_form_key()


def text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def choices(form: Mapping[str, Any], name: str) -> list[str]:
    value = form.get(name)
    if isinstance(value, str):
        return [value] if value else []
    return [item for item in value or [] if isinstance(item, str) and item]


def day_of(form: Mapping[str, Any], prefix: str) -> date | None:
    """A date from the day/month/year boxes `<prefix>day`, `<prefix>month`, `<prefix>year`."""
    try:
        return date(
            int(text(form, f"{prefix}year")),
            int(text(form, f"{prefix}month")),
            int(text(form, f"{prefix}day")),
        )
    except ValueError:
        return None
