"""Re-sealing every sealed value under the active key, so an old key can be retired.

What is sealed is found by convention, over every table of the metadata it is given: a column
named `<field>_enc` holds `FieldCipher` text sealed for `<table>.<field>`; inside a JSON column,
a key `<field>_enc` is sealed for `<table>.<field>`, and a key `sealed` for `<table>.<column>`.
(`tests/project` checks that every sealed column follows it.) Each batch of rows is re-sealed
and committed in its own transaction, so an interrupted run resumes where it stopped; a value
already under the active key is left alone.

Values sealed under a person's data key (`kernel.data_keys`) are not touched: re-sealing that
person's key (`person_keys.key_enc`, a sealed column like any other) under the active master key
is enough. The census counts them under `DATA_KEY`. Values of the tables in `PERSON_OWNED`
still under a master key (written before data keys existed) move to their person's data key
(a vetting result: to every key of its household). Stored replies written before stay under the
master key: nobody can say whose they are, and they are purged within days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.crypto import FieldCipher, data_key_owner
from corredor.kernel.data_keys import PersonErased, data_keys
from corredor.kernel.database import Database
from corredor.kernel.unit_of_work import unit_of_work

BATCH: Final = 500
SUFFIX: Final = "_enc"
WHOLE: Final = "sealed"  # a JSON key that seals the whole column's value
DATA_KEY: Final = "data-key"  # the census's name for values under a person's data key
# table -> the column naming the person whose data key seals its `_enc` columns; or, for a
# value about a whole household, the case whose persons' keys all seal it
PERSON_OWNED: Final = {
    "persons": "id",
    "documents": "person_id",
    "vetting_results": "case_id",
    "person_photos": "person_id",
}
CASE_OWNED: Final = frozenset({"vetting_results"})


@dataclass(frozen=True)
class Census:
    """How many sealed values each key id holds, table by table."""

    by_key: dict[str, int]
    by_table: dict[str, dict[str, int]]


def _key_id(token: str) -> str:
    return DATA_KEY if data_key_owner(token) is not None else token.partition(":")[0]


def _sealed_in(table: sa.Table, column: sa.Column[Any], value: Any) -> Iterator[tuple[str, str]]:
    """(associated data, sealed text) for every sealed value in one cell."""
    if not value:  # nothing, or a value blanked by an erasure
        return
    if column.name.endswith(SUFFIX) and isinstance(value, str):
        yield f"{table.name}.{column.name.removesuffix(SUFFIX)}", value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(inner, str):
                continue
            if key == WHOLE:
                yield f"{table.name}.{column.name}", inner
            elif key.endswith(SUFFIX):
                yield f"{table.name}.{key.removesuffix(SUFFIX)}", inner


def _candidate_columns(table: sa.Table) -> list[sa.Column[Any]]:
    return [
        column
        for column in table.columns
        if column.name.endswith(SUFFIX) or isinstance(column.type, sa.JSON)
    ]


def _batches(
    database: Database, table: sa.Table, columns: list[sa.Column[Any]]
) -> Iterator[list[sa.Row[Any]]]:
    keys = list(table.primary_key.columns)
    after: tuple[Any, ...] | None = None
    while True:
        query = sa.select(*keys, *columns).order_by(*keys).limit(BATCH)
        if after is not None:
            query = query.where(sa.tuple_(*keys) > sa.tuple_(*after))
        with database.engine.connect() as connection:
            rows = list(connection.execute(query))
        if not rows:
            return
        yield rows
        after = tuple(rows[-1][: len(keys)])


def census(database: Database, metadata: sa.MetaData) -> Census:
    by_table: dict[str, dict[str, int]] = {}
    for table in metadata.sorted_tables:
        columns = _candidate_columns(table)
        if not columns:
            continue
        counts = Counter[str]()
        for rows in _batches(database, table, columns):
            for row in rows:
                cells = row[len(table.primary_key.columns) :]
                for column, value in zip(columns, cells, strict=True):
                    counts.update(_key_id(text) for _, text in _sealed_in(table, column, value))
        if counts:
            by_table[table.name] = dict(counts)
    total = Counter[str]()
    for found in by_table.values():
        total.update(found)
    return Census(dict(total), by_table)


def _resealed(
    cipher: FieldCipher, table: sa.Table, column: sa.Column[Any], value: Any
) -> Any | None:
    """The cell with every sealed value under the active key, or None if it already was."""
    active = cipher.active_key_id
    if not value:
        return None
    if column.name.endswith(SUFFIX) and isinstance(value, str):
        if _key_id(value) in (active, DATA_KEY):
            return None
        ((aad, _),) = _sealed_in(table, column, value)
        return cipher.encrypt(cipher.decrypt(value, aad), aad)
    if isinstance(value, dict):
        changed = dict(value)
        for key, inner in value.items():
            found = list(_sealed_in(table, column, {key: inner}))
            if found and _key_id(inner) not in (active, DATA_KEY):
                aad = found[0][0]
                changed[key] = cipher.encrypt(cipher.decrypt(inner, aad), aad)
        return changed if changed != value else None
    return None


def reencrypt(
    database: Database,
    cipher: FieldCipher,
    metadata: sa.MetaData,
    progress: Callable[[str, int], None] = lambda table, done: None,
) -> int:
    """Re-seal every value not under the active key; returns how many rows changed."""
    changed = 0
    for table in metadata.sorted_tables:
        columns = _candidate_columns(table)
        if not columns:
            continue
        if table.name in PERSON_OWNED:
            changed += _to_data_keys(database, cipher, table, progress)
            continue
        keys = list(table.primary_key.columns)
        for rows in _batches(database, table, columns):
            updates = []
            for row in rows:
                cells = dict(zip(columns, row[len(keys) :], strict=True))
                new = {
                    column.name: value
                    for column, old in cells.items()
                    if (value := _resealed(cipher, table, column, old)) is not None
                }
                if new:
                    updates.append((tuple(row[: len(keys)]), new))
            if updates:
                with database.engine.begin() as connection:  # one batch, committed on its own
                    for key_values, new in updates:
                        match = sa.and_(*(k == v for k, v in zip(keys, key_values, strict=True)))
                        connection.execute(table.update().where(match).values(**new))
                changed += len(updates)
            progress(table.name, len(rows))
    return changed


def _household(session: Session, table: sa.Table, owner_id: str) -> list[str]:
    if table.name not in CASE_OWNED:
        return [owner_id]
    persons = table.metadata.tables["persons"]
    query = sa.select(persons.c.id).where(persons.c.case_id == owner_id)
    return [str(person_id) for person_id in session.execute(query).scalars()]


def _to_data_keys(
    database: Database,
    cipher: FieldCipher,
    table: sa.Table,
    progress: Callable[[str, int], None],
) -> int:
    """Move a person-owned table's master-sealed values to each person's data key."""
    owner = table.columns[PERSON_OWNED[table.name]]
    sealed = [column for column in table.columns if column.name.endswith(SUFFIX)]
    keys = list(table.primary_key.columns)
    changed = 0
    for rows in _batches(database, table, [owner, *sealed]):
        with database.transaction() as session:  # one batch, committed on its own
            found = data_keys(session, cipher)
            for row in rows:
                owner_id, *cells = row[len(keys) :]
                owners = _household(session, table, owner_id)
                new = {}
                for column, old in zip(sealed, cells, strict=True):
                    if not old or not isinstance(old, str) or data_key_owner(old) is not None:
                        continue
                    aad = f"{table.name}.{column.name.removesuffix(SUFFIX)}"
                    try:
                        new[column.name] = found.seal(owners, found.open(old, aad), aad)
                    except PersonErased:
                        continue  # nobody may read it any more; it stays as unreadable as it is
                if new:
                    match = sa.and_(*(k == v for k, v in zip(keys, row[: len(keys)], strict=True)))
                    session.execute(table.update().where(match).values(**new))
                    changed += 1
        progress(table.name, len(rows))
    return changed


def reencrypt_audited(
    database: Database,
    cipher: FieldCipher,
    metadata: sa.MetaData,
    progress: Callable[[str, int], None] = lambda table, done: None,
) -> tuple[int, Census]:
    """`reencrypt`, then the census of what remains under each key, recorded in the audit log
    (by the operator: the command line has no signed-in user)."""
    changed = reencrypt(database, cipher, metadata, progress)
    after = census(database, metadata)
    with unit_of_work(database) as session:
        audit.append(
            session,
            audit.Actor(user_id=None, role="operator"),
            AuditTag.KEYS_REENCRYPT,
            detail={"active_key": cipher.active_key_id, "rows": changed, "by_key": after.by_key},
        )
    return changed, after
