"""The platform's fixtures (each database test on SQLite and PostgreSQL), reused here."""

from tests.platform.conftest import api, database_url, databases, session_platform

__all__ = ["api", "database_url", "databases", "session_platform"]
