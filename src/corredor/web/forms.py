"""Small helpers the signed-in forms share: submitting once, reading dates and choices."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Final

from sqlalchemy.orm import Session

from corredor.kernel.auth import Principal
from corredor.kernel.idempotency import run_once
from corredor.services.platform import Platform

KEY_FIELD: Final = "form_key"

Answer = tuple[int, dict[str, Any]]


def new_form_key() -> str:
    """Put in each rendered form: pressing the button twice submits the action once."""
    return uuid.uuid4().hex


def command_key(form: Mapping[str, Any]) -> str:
    """The idempotency key of a form's command: its own key, or a new one if it sent none."""
    sent = form.get(KEY_FIELD)
    return f"web:{sent}" if isinstance(sent, str) and 0 < len(sent) <= 64 else new_form_key()


def submit_once(  # noqa: PLR0917 - the same order as the API's `submit`
    platform: Platform,
    who: Principal,
    form: Mapping[str, Any],
    operation: str,
    payload: dict[str, Any],
    action: Callable[[Session], Answer],
) -> Answer:
    """Run a use case the way the API's `submit` does, keyed by the form's own key."""
    return run_once(
        platform.db,
        platform.cipher,
        who,
        command_key(form),
        operation=operation,
        payload=payload,
        action=action,
    )


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
