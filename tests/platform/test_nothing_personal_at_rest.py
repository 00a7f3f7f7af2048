"""Nothing personal is stored in clear: a whole corridor journey, then the raw database (the SQLite
file with its write-ahead log, or a plain `pg_dump`) and the server's log lines are searched for
every personal value entered, and none is found."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from corredor.app import create_app
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import BACKENDS, Api, Databases, build_platform
from tests.platform.journey import walk


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


def test_a_whole_journey_leaves_no_personal_value_in_the_database_or_the_logs(
    fresh: tuple[str, Api], caplog: pytest.LogCaptureFixture
) -> None:
    url, api = fresh
    caplog.set_level(logging.DEBUG)
    ids = walk(api, "work_authorized")
    api.get(f"/cases/{ids['case']}", "inm", Role.INM_OFFICER)
    persons = ids["case_body"]["persons"]
    personal = sorted(
        {
            value
            for person in persons
            for value in (person["name"], person["document_number"], person["birth_date"])
            if value
        }
    )
    assert len(personal) >= 6
    api.platform.db.dispose()  # everything written is on disk
    raw = raw_contents(url)
    assert len(raw) > 10_000  # the search reads the real data
    assert [v for v in personal if v.encode() in raw] == []
    server_lines = [
        record.getMessage() + str(record.__dict__)
        for record in caplog.records
        if not record.name.startswith(("httpx", "httpcore"))
    ]
    assert [v for v in personal if any(v in line for line in server_lines)] == []
