"""Backup and restore of the whole database, bound to the deployment's keys.

A backup is one file: a gzipped tar holding the database (SQLite's online backup of the file, or
PostgreSQL's `pg_dump` custom format) and a manifest: the schema revision, the row count of every
table and the audit chain's length, all taken from the same snapshot as the data, and a check
value of every key the deployment held (an HMAC of a fixed text, from which the key cannot be
recovered). Personal data inside is as sealed as in the database itself.

A restore refuses a file made under keys this deployment does not hold (its personal data could
not be read, or its lookups would never match), replaces the database with the backup's, brings
the schema to this code's head, and then checks that every table holds what the manifest says
and that the audit chain verifies. The recovery point is the moment the backup was taken.

A backup still holds the data keys of people erased after it was taken; before a restore
reports success it erases them again, for every person the erasure ledger (outside the
database, `kernel.data_keys`) names. Without that ledger, a backup and the master key would
read them again: the ledger must be kept, like the audit checkpoints, apart from the backups.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url

from corredor.config import Settings
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.data_keys import ledger, reapply
from corredor.kernel.database import Database
from corredor.kernel.engine import upgrade
from corredor.kernel.health import expected_revision
from corredor.kernel.unit_of_work import unit_of_work

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
SQLITE_MEMBER: Final = "database.sqlite"
POSTGRES_MEMBER: Final = "database.dump"
CHECK_TEXT: Final = b"corredor key check value"
SNAPSHOT_TRANSACTION: Final = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"


class BackupError(Exception):
    """Why a backup cannot be made or restored, in one line for the operator."""


@dataclass(frozen=True)
class BackupMade:
    file: Path
    backend: str
    revision: str
    tables: dict[str, int]
    audit_entries: int


@dataclass(frozen=True)
class Restored:
    backend: str
    taken_at: str
    tables: dict[str, int]
    audit_entries: int
    erasures_reapplied: int = 0  # data keys the backup held that the ledger says were erased


def key_checks(settings: Settings) -> dict[str, str]:
    """A check value per key: equal keys give equal values; the key cannot be read back."""
    keys = {f"encryption:{key_id}": key for key_id, key in settings.key_bytes().items()}
    keys["lookup"] = settings.lookup_key.encode("utf-8")
    return {
        name: hmac.new(key, CHECK_TEXT, hashlib.sha256).hexdigest()[:32]
        for name, key in keys.items()
    }


def row_counts(connection: Connection) -> dict[str, int]:
    names = sorted(sa.inspect(connection).get_table_names())
    return {
        name: int(
            connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
        )
        for name in names
    }


def _audit_entries(counts: dict[str, int]) -> int:
    return counts.get("audit_entries", 0)


# ---- backup ----


def backup(settings: Settings, target: Path, now: datetime) -> BackupMade:
    url = make_url(settings.database_url)
    backend = url.get_backend_name()
    with tempfile.TemporaryDirectory() as scratch:
        if backend == "sqlite":
            member, dump = SQLITE_MEMBER, Path(scratch) / SQLITE_MEMBER
            tables = _sqlite_snapshot(url, dump)
        elif backend == "postgresql":
            member, dump = POSTGRES_MEMBER, Path(scratch) / POSTGRES_MEMBER
            tables = _postgres_snapshot(url, dump)
        else:
            raise BackupError(f"no backup for the {backend} backend")
        manifest = {
            "format": FORMAT,
            "backend": backend,
            "taken_at": now.isoformat(),
            "revision": expected_revision(),
            "tables": tables,
            "keys": key_checks(settings),
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=member)
        partial.replace(target)  # a backup file is whole or absent
    return BackupMade(target, backend, str(manifest["revision"]), tables, _audit_entries(tables))


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _sqlite_snapshot(url: URL, dump: Path) -> dict[str, int]:
    source = _sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no database file at {source}")
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(dump)) as copy:
        live.backup(copy)  # SQLite's online backup: a consistent copy while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    copy_engine = sa.create_engine(f"sqlite:///{dump}")
    try:
        with copy_engine.connect() as connection:
            return row_counts(connection)
    finally:
        copy_engine.dispose()


def _pg_environment(url: URL) -> dict[str, str]:
    """libpq's settings for pg_dump and pg_restore: the password in the environment, never on
    a command line that `ps` shows."""
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[name] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{Path(command[0]).name} failed: {last}")


def _postgres_snapshot(url: URL, dump: Path) -> dict[str, int]:
    """pg_dump and the row counts read the same exported snapshot, so the manifest describes
    exactly the data in the file even while the platform keeps writing."""
    engine = sa.create_engine(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            connection.execute(
                sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            )
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                _pg_environment(url),
            )
            counts = row_counts(connection)
            connection.rollback()
            return counts
    finally:
        engine.dispose()


# ---- restore ----


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise BackupError(f"{source} has no manifest")
            manifest: dict[str, Any] = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{source} is not a Corredor backup ({type(error).__name__})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest


def keys_missing(manifest: dict[str, Any], settings: Settings) -> list[str]:
    """The keys the backup was made under that this deployment does not hold (by check value)."""
    held = key_checks(settings)
    return sorted(name for name, check in manifest["keys"].items() if held.get(name) != check)


def restore(settings: Settings, source: Path) -> Restored:
    manifest = read_manifest(source)
    url = make_url(settings.database_url)
    backend = url.get_backend_name()
    if manifest["backend"] != backend:
        raise BackupError(f"a {manifest['backend']} backup cannot be restored into {backend}")
    if missing := keys_missing(manifest, settings):
        raise BackupError(
            "this backup was made under keys this deployment does not hold: "
            + ", ".join(missing)
            + " (another deployment's backup, or a key that was retired)"
        )
    member = SQLITE_MEMBER if backend == "sqlite" else POSTGRES_MEMBER
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(source, "r:gz") as archive:
        stream = archive.extractfile(member)
        if stream is None:
            raise BackupError(f"{source} holds no {member}")
        dump = Path(scratch) / member
        with dump.open("wb") as out:
            shutil.copyfileobj(stream, out)
        if backend == "sqlite":
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(dump)) as saved, closing(sqlite3.connect(target)) as live:
                saved.backup(live)  # replaces every page of the live file, in one step
        else:
            _run(
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={url.database}",
                    str(dump),
                ],
                _pg_environment(url),
            )
    upgrade(settings.database_url)
    checked = _checked(settings, manifest)
    return replace(checked, erasures_reapplied=_reapply_erasures(settings))


def _reapply_erasures(settings: Settings) -> int:
    """The ledger's erasures the backup predates, applied again and audited (the backup's
    chain ends before the original erasure's entry)."""
    database = Database.of(settings)
    try:
        with unit_of_work(database) as session:
            again = reapply(session, ledger(settings.ledger_dir))
            if again:
                audit.append(
                    session,
                    audit.Actor(user_id=None, role="operator"),
                    AuditTag.PERSON_ERASE,
                    detail={"persons": again, "reason": "re-applied from the erasure ledger"},
                )
            return len(again)
    finally:
        database.dispose()


def _checked(settings: Settings, manifest: dict[str, Any]) -> Restored:
    database = Database.of(settings)
    try:
        with database.engine.connect() as connection:
            counts = row_counts(connection)
        with database.reading() as session:
            chain = audit.verify(session)
    finally:
        database.dispose()
    expected: dict[str, int] = manifest["tables"]
    differ = {
        name: (want, counts.get(name))
        for name, want in expected.items()
        if counts.get(name) != want
    }
    if differ:
        raise BackupError(f"restored tables do not match the backup: {differ}")
    if not chain.ok:
        raise BackupError(
            f"the restored audit log does not verify: entry {chain.first_bad_seq}: {chain.problem}"
        )
    return Restored(manifest["backend"], manifest["taken_at"], counts, _audit_entries(counts))
