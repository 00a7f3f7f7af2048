"""The platform's database fixtures (SQLite and PostgreSQL), shared with the allocation tests."""

from __future__ import annotations

from tests.platform.conftest import api, database_url, databases, session_platform

__all__ = ["api", "database_url", "databases", "session_platform"]
