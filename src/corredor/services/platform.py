"""The platform's parts, wired once from settings: settings, database, cipher, tokens, catalogue,
screening, places and clocks; and the ids and timestamps every use case shares."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from corredor.cases.domain.vetting import Screening
from corredor.cases.reference import Reference, load_reference
from corredor.cases.vetting.watchlist import WatchlistScreening
from corredor.config import Settings
from corredor.kernel import audit
from corredor.kernel.auth import Principal, Tokens
from corredor.kernel.clock import utc_now
from corredor.kernel.crypto import FieldCipher, LookupHasher
from corredor.kernel.database import Database
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.use_cases.policies import read_catalogue


def new_id() -> str:
    return str(uuid.uuid4())


now = utc_now  # the wall clock in UTC, for timestamps; deadlines use `Platform.now`


@dataclass
class Platform:
    settings: Settings
    db: Database
    cipher: FieldCipher
    lookup: LookupHasher
    tokens: Tokens
    catalogue: Catalogue
    screening: Screening
    reference: Reference
    # The platform's clocks: every deadline (a window's close, a token's expiry, a TVRH's end)
    # is judged by these, so tests and replays set them instead of racing the wall clock.
    today: Callable[[], date] = field(default=date.today)
    now: Callable[[], datetime] = field(default=now)
    # Seconds for the rate limits' buckets; None: Redis's own clock (shared by every worker)
    # or, without Redis, the process's monotonic clock.
    limit_clock: Callable[[], float] | None = None

    def __post_init__(self) -> None:
        # late-bound, so that a clock set on the platform after it is built governs tokens too
        self.tokens.clock = lambda: self.now()  # noqa: PLW0108

    @classmethod
    def build(cls, settings: Settings, screening: Screening | None = None) -> Platform:
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            cipher=FieldCipher(settings.key_bytes(), settings.active_key_id),
            lookup=LookupHasher(settings.lookup_key),
            tokens=Tokens(settings.token_secret, settings.token_minutes),
            catalogue=read_catalogue(),
            screening=screening or WatchlistScreening.from_file(settings.watchlist_path),
            reference=load_reference(),
        )


def actor(session: Session, who: Principal) -> audit.Actor:
    """The caller as the audit log names them (a case's steps add whom a caseworker acts for:
    `cases.records.case_actor`)."""
    return audit.Actor(user_id=who.user_id, role=str(who.role))
