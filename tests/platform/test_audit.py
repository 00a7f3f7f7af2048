"""The audit log is append-only and hash-chained; `corredor audit verify` finds the first change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from corredor.api.app import create_app
from corredor.cli.main import app as cli
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, Databases, build_platform
from tests.platform.journey import ok, walk


@pytest.fixture
def fresh(databases: Databases, database_url: str) -> Iterator[tuple[str, Api]]:
    """A database of its own: these tests tamper with it."""
    url = databases.new("sqlite" if database_url.startswith("sqlite") else "postgresql")
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield url, Api(client=client, platform=platform)
    platform.db.dispose()


def verify(url: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", "verify"], env={"CORREDOR_DATABASE_URL": url})
    return result.exit_code, " ".join(result.output.split())


def test_a_journey_leaves_an_intact_chain(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "work_authorized")
    code, output = verify(url)
    assert code == 0, output
    assert "audit log intact" in output
    report = ok(api.get("/audit/verification", "auditor", Role.AUDITOR))
    assert report["ok"] is True
    assert report["checked"] >= 10


def test_the_database_refuses_to_change_an_entry(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "registered")
    engine = sa.create_engine(url)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_entries SET action = 'forged' WHERE seq = 1"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_entries WHERE seq = 1"))
    engine.dispose()


def _hand_edit(url: str, statement: str) -> None:
    """What someone with DDL rights could do: switch the guard off, then edit a row."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_delete"))
        else:
            connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        connection.execute(sa.text(statement))
    engine.dispose()


def test_verify_reports_the_first_altered_entry(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "tvrh_issued")
    _hand_edit(url, "UPDATE audit_entries SET actor_role = 'admin' WHERE seq = 3")
    code, output = verify(url)
    assert code == 1
    assert "altered at entry 3" in output
    assert ok(api.get("/audit/verification", "auditor", Role.AUDITOR))["first_bad_seq"] == 3


def test_verify_reports_a_removed_entry(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "tvrh_issued")
    _hand_edit(url, "DELETE FROM audit_entries WHERE seq = 2")
    code, output = verify(url)
    assert code == 1
    assert "entry 2" in output
