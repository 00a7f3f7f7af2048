"""The migrations form one line whose head is written in migrations/HEAD, and they build exactly
the tables the models describe: every table, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from corredor.kernel.engine import MIGRATIONS, alembic_config
from corredor.platform import Platform
from corredor.schema import metadata


def test_there_is_one_head_and_the_head_file_names_it() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    written = (Path(MIGRATIONS) / "HEAD").read_text(encoding="utf-8").strip()
    assert script.get_heads() == [written]


def test_every_migration_follows_the_one_before(tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    line = list(script.walk_revisions())  # head first
    assert [r.down_revision for r in line[:-1]] == [r.revision for r in line[1:]]
    assert line[-1].down_revision is None


def test_the_migrations_build_exactly_the_models(session_platform: Platform) -> None:
    with session_platform.db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    assert len(metadata.tables) >= 15  # every feature's tables are in the metadata
