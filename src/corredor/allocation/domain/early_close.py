"""When a window's run may happen: at or after its published close, or earlier only when one
officer asked for an early close, with a reason, and a *different* officer confirmed it.

A window advertised "open until 8 Dec" is a promise to the people still asking for a place; a
single officer must not be able to break it with one click. The four-eyes rule lives here, pure,
so the API, the pages and the tests read one definition of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

MIN_REASON: Final = 10  # a reason a reader of the published results can understand
MAX_REASON: Final = 500


@dataclass(frozen=True)
class EarlyCloseState:
    """An early close asked for a window: who asked and why, and who confirmed (if anyone)."""

    requested_by: str
    reason: str
    confirmed_by: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by is not None


class RunRefused(ValueError):
    """The run may not happen now; the message says what is allowed instead."""

    def __init__(self, message: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed


def check_run(closes_at: datetime, moment: datetime, early: EarlyCloseState | None) -> bool:
    """Whether the run closes the window early (True) or at its published close (False);
    raises `RunRefused` if it may not run at `moment`."""
    if moment >= closes_at:
        return False
    if early is None:
        raise RunRefused(
            f"the window is open until {closes_at.isoformat()}: run it after that, or ask for "
            "an early close with a reason, which another officer must confirm",
            allowed=["early-close"],
        )
    if not early.confirmed:
        raise RunRefused(
            f"the window is open until {closes_at.isoformat()}: its early close waits for "
            "another officer's confirmation",
            allowed=["early-close/confirmation"],
        )
    return True


def check_confirmation(early: EarlyCloseState | None, confirmer: str) -> None:
    """A second officer may confirm a pending request; never the officer who asked."""
    if early is None:
        raise RunRefused(
            "no early close was asked for this window: an officer asks first, with a reason",
            allowed=["early-close"],
        )
    if early.confirmed:
        raise RunRefused("the early close is already confirmed", allowed=["run"])
    if early.requested_by == confirmer:
        raise RunRefused(
            "the officer who asked for the early close cannot confirm it: another officer of "
            "the site's agency must",
            allowed=[],
        )


def clean_reason(reason: str) -> str | None:
    """The reason as published (spaces folded), or None if it is too short or too long."""
    folded = " ".join(reason.split())
    return folded if MIN_REASON <= len(folded) <= MAX_REASON else None
