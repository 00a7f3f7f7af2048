"""The unit of work: one transaction per use case, committed on success, rolled back on error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from corredor.config import Settings
from corredor.kernel.engine import make_engine

AUDIT_KEY: Final = "audit_key"


class Database:
    """The engine and its sessions. Every session carries the audit chain's MAC key in its
    `info`, so `kernel.audit` can append and verify in whatever transaction it is given."""

    def __init__(self, url: str, audit_key: bytes | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        info = {} if audit_key is None else {AUDIT_KEY: audit_key}
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info=info)

    @classmethod
    def of(cls, settings: Settings) -> Database:
        return cls(settings.database_url, settings.audit_key.encode("utf-8"))

    def reading(self) -> Session:
        """A session for reads outside any use case's work (health, metrics, verification)."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
