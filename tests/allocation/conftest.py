"""The platform's database fixtures (SQLite and PostgreSQL), shared with the allocation tests,
and the one way a test moves the platform's clock past a window's close."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from corredor.platform import Platform
from tests.platform.conftest import api, database_url, databases, session_platform

__all__ = ["after_close", "api", "database_url", "databases", "session_platform"]


@contextmanager
def after_close(platform: Platform, closes_at: datetime | str) -> Iterator[datetime]:
    """The platform's clock a second after `closes_at` for the block, then back as it was.

    A window runs only after its published close (or after a confirmed early close), so a test
    that runs a window moves the injected clock (`Platform.now`) instead of waiting or editing
    the close; the wall clock and the other tests are left alone. The tokens the test signed in
    with keep the clock they were issued by, so they do not expire in the jump."""
    moment = (
        datetime.fromisoformat(closes_at) if isinstance(closes_at, str) else closes_at
    ) + timedelta(seconds=1)
    before, tokens_before = platform.now, platform.tokens.clock
    platform.tokens.clock = before
    platform.now = lambda: moment
    try:
        yield moment
    finally:
        platform.now, platform.tokens.clock = before, tokens_before
