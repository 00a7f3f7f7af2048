"""On PostgreSQL the server's role owns nothing: it reads and writes rows, a whole journey works,
but it can neither change, delete nor empty the audit log, nor switch its guard off."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from tests.platform.conftest import Api, Databases, build_platform
from tests.platform.journey import walk

TAMPERING = [
    "UPDATE audit_entries SET action = 'forged' WHERE seq = 1",
    "DELETE FROM audit_entries WHERE seq = 1",
    "TRUNCATE audit_entries",
    "ALTER TABLE audit_entries DISABLE TRIGGER USER",
]


@pytest.fixture
def app_role(databases: Databases) -> Iterator[tuple[str, str]]:
    """A migrated database (owner: postgres) and the URL of a fresh application role."""
    owner_url = databases.new("postgresql")
    role = f"corredor_app_{uuid.uuid4().hex[:8]}"
    answer = CliRunner().invoke(
        cli, ["db", "grant-app-role", role], env={"CORREDOR_DATABASE_URL": owner_url}
    )
    assert answer.exit_code == 0, answer.output
    yield owner_url, make_url(owner_url).set(username=role).render_as_string(hide_password=False)
    engine = sa.create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP OWNED BY "{role}"'))
        connection.execute(sa.text(f'DROP ROLE "{role}"'))
    engine.dispose()


def test_the_app_role_runs_a_journey_but_cannot_touch_the_audit_log(
    app_role: tuple[str, str],
) -> None:
    _, app_url = app_role
    platform = build_platform(app_url)
    with TestClient(create_app(platform=platform)) as client:
        walk(Api(client=client, platform=platform), "tvrh_issued")
    platform.db.dispose()
    engine = sa.create_engine(app_url)
    refused = []
    for statement in TAMPERING:
        with engine.connect() as connection:
            try:
                connection.execute(sa.text(statement))
                connection.commit()
            except DBAPIError as error:
                refused.append("permission denied" in str(error) or "must be owner" in str(error))
    with engine.connect() as connection:
        held = connection.execute(sa.text("SELECT count(*) FROM audit_entries")).scalar_one()
    engine.dispose()
    assert refused == [True] * len(TAMPERING)
    assert held >= 3


def test_sqlite_has_no_roles_and_says_so() -> None:
    answer = CliRunner().invoke(
        cli,
        ["db", "grant-app-role", "corredor_app"],
        env={"CORREDOR_DATABASE_URL": "sqlite:///unused.db"},
    )
    assert answer.exit_code == 1
    assert "PostgreSQL only" in answer.output
