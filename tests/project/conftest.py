"""Project-wide checks; the migrations' one runs over the platform's databases (SQLite and
PostgreSQL), so it reuses their fixtures."""

from tests.platform.conftest import database_url, databases, session_platform

__all__ = ["database_url", "databases", "session_platform"]
