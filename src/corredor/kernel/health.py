"""Is this instance able to serve? The checks behind `/health/ready`.

Liveness says only that the process answers; readiness says whether it can do its work now:
the database answers and holds the schema this code expects, and Redis, when the rate limit is
shared through it, answers too. A load balancer stops sending traffic to an instance that is
not ready and sends it again once it is, without restarting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from corredor.kernel.database import Database
from corredor.kernel.engine import MIGRATIONS

OK: Final = "ok"


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # what was checked -> "ok", or why not in a few words

    @property
    def ready(self) -> bool:
        return all(outcome == OK for outcome in self.checks.values())


def expected_revision(migrations: Path = MIGRATIONS) -> str:
    return (migrations / "HEAD").read_text(encoding="utf-8").strip()


def database_check(db: Database) -> str:
    try:
        with db.engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as error:
        return f"unreachable or not migrated ({type(error).__name__})"
    expected = expected_revision()
    if revision != expected:
        return f"schema at {revision}, this code needs {expected}: run `corredor db upgrade`"
    return OK


def redis_check(url: str) -> str:
    client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
    try:
        client.ping()
    except redis.RedisError as error:
        return f"unreachable ({type(error).__name__})"
    finally:
        client.close()
    return OK


def readiness(db: Database, redis_url: str | None) -> Readiness:
    checks = {"database": database_check(db)}
    if redis_url:
        checks["redis"] = redis_check(redis_url)
    return Readiness(checks)
