"""Retried requests replay from sealed answers, which expire."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.kernel.domain.permissions import Role
from corredor.kernel.idempotency import purge_replays
from tests.platform.conftest import BACKENDS, Api, Databases, build_platform, household
from tests.platform.journey import ok


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, databases: Databases) -> Iterator[tuple[str, Api]]:
    url = databases.new(request.param)
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield url, Api(client=client, platform=platform)
    platform.db.dispose()


def raw_contents(url: str) -> bytes:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(str(parsed.database))
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    env = {
        "PGHOST": str(parsed.host),
        "PGPORT": str(parsed.port or 5432),
        "PGUSER": str(parsed.username),
    }
    dump = subprocess.run(
        ["pg_dump", "--format=plain", "--data-only", str(parsed.database)],
        env=env,
        capture_output=True,
        check=True,
    )
    return dump.stdout


def test_a_retry_replays_the_sealed_answer_and_old_replays_are_purged(
    fresh: tuple[str, Api],
) -> None:
    url, api = fresh
    body = household()
    first = ok(api.post("/cases", "inm", Role.INM_OFFICER, body, key="same-key"))
    again = ok(api.post("/cases", "inm", Role.INM_OFFICER, body, key="same-key"))
    assert again == first  # replayed, not registered twice
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        stored = connection.execute(
            sa.text("SELECT body FROM idempotency_keys WHERE key = 'same-key'")
        ).scalar_one()
        assert body["principal"]["name"] not in str(stored)
        connection.execute(
            sa.text("UPDATE idempotency_keys SET created_at = :old WHERE key = 'same-key'"),
            {"old": api.platform.now() - timedelta(days=8)},
        )
    engine.dispose()
    assert purge_replays(api.platform.db, api.platform.now()) >= 1
    answer = CliRunner().invoke(cli, ["db", "purge-replays"], env={"CORREDOR_DATABASE_URL": url})
    assert answer.exit_code == 0
    assert "0 stored replies older than 7 days deleted" in answer.output
