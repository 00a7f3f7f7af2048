"""The audit log is append-only and chained with a keyed MAC, and signed checkpoints outside the
database vouch for its length: `corredor audit verify` reports an edited entry, a chain
recomputed without the key, the newest entries deleted with the head wound back, and an emptied
table, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from nacl.signing import VerifyKey
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.kernel import audit
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, Databases, build_platform, checkpoint_dir
from tests.platform.journey import ok, walk


@pytest.fixture
def fresh(databases: Databases, database_url: str) -> Iterator[tuple[str, Api]]:
    """A database of its own: these tests tamper with it."""
    url = databases.new("sqlite" if database_url.startswith("sqlite") else "postgresql")
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield url, Api(client=client, platform=platform)
    platform.db.dispose()


def command(url: str, *args: str) -> tuple[int, str]:
    env = {"CORREDOR_DATABASE_URL": url, "CORREDOR_AUDIT_CHECKPOINT_DIR": str(checkpoint_dir(url))}
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, " ".join(result.output.split())


def verify(url: str) -> tuple[int, str]:
    return command(url, "audit", "verify")


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


def _forge(url: str, statements: list[str]) -> None:
    """What someone who owns the database can do, guard or no guard."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(sa.text("DROP TRIGGER IF EXISTS audit_entries_no_update"))
            connection.execute(sa.text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))
        else:
            connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(sa.text(statement))
    engine.dispose()


def _recompute_without_the_key(url: str) -> None:
    """Edit entry 2, then recompute every hash the way the chain was built before it was keyed:
    a forger who can write the database but does not hold the audit key."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT * FROM audit_entries ORDER BY seq")).mappings()
        previous = "0" * 64
        for row in list(rows):
            content = {
                "seq": row["seq"],
                "at": audit.as_utc(
                    row["at"]
                    if isinstance(row["at"], datetime)
                    else datetime.fromisoformat(row["at"])
                ).isoformat(timespec="microseconds"),
                "actor_id": row["actor_id"],
                "actor_role": "admin" if row["seq"] == 2 else row["actor_role"],
                "on_behalf_of": row["on_behalf_of"],
                "action": row["action"],
                "case_id": row["case_id"],
                "detail": row["detail"]
                if isinstance(row["detail"], dict)
                else json.loads(row["detail"]),
                "prev_hash": previous,
            }
            canonical = json.dumps(
                content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            )
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            connection.execute(
                sa.text(
                    "UPDATE audit_entries SET actor_role = :role, prev_hash = :prev, hash = :hash WHERE seq = :seq"
                ),
                {
                    "role": content["actor_role"],
                    "prev": previous,
                    "hash": digest,
                    "seq": row["seq"],
                },
            )
            previous = digest
        connection.execute(sa.text("UPDATE audit_head SET hash = :hash"), {"hash": previous})
    engine.dispose()


def test_a_chain_recomputed_without_the_key_does_not_verify(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "tvrh_issued")
    _forge(url, [])  # the guard off for good
    _recompute_without_the_key(url)
    code, output = verify(url)
    assert code == 1
    assert "altered at entry 1" in output  # no entry's MAC holds without the key


def test_deleting_the_newest_entries_and_winding_the_head_back_is_reported(
    fresh: tuple[str, Api],
) -> None:
    url, api = fresh
    walk(api, "tvrh_issued")
    assert command(url, "audit", "checkpoint")[0] == 0
    code, output = verify(url)
    assert code == 0, output
    assert "consistent with 1 signed checkpoints" in output
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        last = connection.execute(sa.text("SELECT max(seq) FROM audit_entries")).scalar_one()
        kept = connection.execute(
            sa.text("SELECT hash FROM audit_entries WHERE seq = :seq"), {"seq": last - 2}
        ).scalar_one()
    engine.dispose()
    _forge(
        url,
        [
            f"DELETE FROM audit_entries WHERE seq > {last - 2}",
            f"UPDATE audit_head SET seq = {last - 2}, hash = '{kept}'",
        ],
    )
    code, output = verify(url)
    assert code == 1
    assert f"vouches for {last} entries, the database holds {last - 2}" in output


def test_emptying_the_table_and_resetting_the_head_is_reported(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "registered")
    assert command(url, "audit", "checkpoint")[0] == 0
    empty = "DELETE FROM audit_entries" if url.startswith("sqlite") else "TRUNCATE audit_entries"
    _forge(url, [empty, "UPDATE audit_head SET seq = 0, hash = '" + "0" * 64 + "'"])
    code, output = verify(url)
    assert code == 1
    assert "entries were removed" in output
    report = ok(api.get("/audit/verification", "auditor", Role.AUDITOR))
    assert report["ok"] is False
    assert report["checkpoint_problems"]


def test_a_forged_checkpoint_is_not_trusted(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "registered")
    assert command(url, "audit", "checkpoint")[0] == 0
    file = checkpoint_dir(url) / "checkpoints.jsonl"
    line = json.loads(file.read_text().splitlines()[-1])
    forged = line | {"seq": line["seq"] + 5}  # claims more entries than ever existed
    with file.open("a") as out:
        out.write(json.dumps(forged) + "\n")
    code, output = verify(url)
    assert code == 1
    assert "not signed by the audit key" in output


def test_auditors_read_the_checkpoints_and_check_their_signatures(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "registered")
    assert command(url, "audit", "checkpoint")[0] == 0
    found = ok(api.get("/audit/checkpoints", "auditor", Role.AUDITOR))
    key = VerifyKey(base64.b64decode(found["public_key"]))
    (checkpoint,) = found["checkpoints"]
    statement = json.dumps({k: checkpoint[k] for k in ("seq", "head", "at")}, sort_keys=True)
    key.verify(statement.encode(), base64.b64decode(checkpoint["signature"]))  # raises if forged
    assert checkpoint["seq"] >= 2
    assert api.get("/audit/checkpoints", "inm", Role.INM_OFFICER).status_code == 403
