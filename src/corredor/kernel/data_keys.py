"""Per-person data keys inside a unit of work, and the erasure ledger kept outside the database.

A person's fields are sealed under their own data key; the key is stored sealed under the master
key (`person_keys.key_enc`). A value about several people (a stored reply naming a household, a
vetting result) is sealed under each of their keys in turn, so erasing any one of them makes it
unreadable. Keys are opened at most once per unit of work and cached on that session only
(`Session.info`), never beyond it.

Erasing a person deletes their key row and records the erasure in the database and in a ledger
file outside it: a restored backup still holds the key, so `corredor db restore` deletes it again
for every person the ledger names (`reapply`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from corredor.kernel.crypto import (
    DecryptionError,
    FieldCipher,
    data_key_owner,
    new_data_key,
    open_with,
    seal_with,
)
from corredor.kernel.errors import Conflict
from corredor.kernel.tables import PersonErasure, PersonKey

KEY_COLUMN: Final = "person_keys.key"
LEDGER_FILE: Final = "erasures.jsonl"
_INFO: Final = "corredor.data_keys"
VALUE: Final = "="  # marks the innermost layer: what follows is the value


class PersonErased(Conflict):
    """The value belongs to a person who was erased: it can no longer be read by anyone."""

    def __init__(self, person_id: str, erased_at: datetime | None) -> None:
        on = f" on {erased_at.date().isoformat()}" if erased_at else ""
        super().__init__(f"person {person_id} was erased{on}; their data cannot be read")
        self.person_id = person_id
        self.erased_at = erased_at


@dataclass
class DataKeys:
    session: Session
    cipher: FieldCipher
    _keys: dict[str, bytes] = field(default_factory=dict)
    # whose data this unit of work sealed or opened: a stored reply is sealed under their keys
    touched: set[str] = field(default_factory=set)
    _erased: dict[str, datetime | None] = field(default_factory=dict)  # known, erased or not
    _aside: int = 0  # inside `read_aside`: opened values do not go into the reply

    @contextmanager
    def read_aside(self) -> Iterator[None]:
        """Values opened in here are compared, not answered: they do not mark their persons as
        touched, so the stored reply is not sealed under their keys (the matching of a
        registration reads dozens of other households and answers only ids and reasons; each
        key would add a layer to the reply)."""
        self._aside += 1
        try:
            yield
        finally:
            self._aside -= 1

    def prefetch(self, person_ids: Iterable[str]) -> None:
        """Open many persons' keys, and learn which were erased, in two queries instead of two
        per person: for a use case about to read many households (the matching of a
        registration against its candidates)."""
        wanted = sorted({i for i in person_ids if i not in self._keys and i not in self._erased})
        if not wanted:
            return
        for row in self.session.scalars(select(PersonKey).where(PersonKey.person_id.in_(wanted))):
            self._keys[row.person_id] = bytes.fromhex(self.cipher.decrypt(row.key_enc, KEY_COLUMN))
        erased = {
            row.person_id: row.erased_at
            for row in self.session.scalars(
                select(PersonErasure).where(PersonErasure.person_id.in_(wanted))
            )
        }
        self._erased.update({i: erased.get(i) for i in wanted})

    def key(self, person_id: str, *, create: bool = False) -> bytes:
        if person_id in self._keys:
            return self._keys[person_id]
        row = self.session.get(PersonKey, person_id)
        if row is not None:
            key = bytes.fromhex(self.cipher.decrypt(row.key_enc, KEY_COLUMN))
        elif create and self.erased_at(person_id) is None:
            key = new_data_key()
            self.session.add(
                PersonKey(
                    person_id=person_id,
                    key_enc=self.cipher.encrypt(key.hex(), KEY_COLUMN),
                    created_at=datetime.now(UTC),
                )
            )
        else:
            raise PersonErased(person_id, self.erased_at(person_id))
        self._keys[person_id] = key
        return key

    def erased_at(self, person_id: str) -> datetime | None:
        if person_id in self._erased:
            return self._erased[person_id]
        found = self.session.get(PersonErasure, person_id)
        return found.erased_at if found is not None else None

    def seal(self, person_ids: Iterable[str], plaintext: str, column: str) -> str:
        """Sealed under each person's key in turn (the last one outermost); under the master
        key when there is nobody's data in it. The innermost layer marks the value itself
        (`VALUE`), so a value that happens to look like a layer is never mistaken for one."""
        owners = sorted(set(person_ids))
        if not owners:
            return self.cipher.encrypt(plaintext, column)
        sealed = VALUE + plaintext
        for person_id in owners:
            sealed = seal_with(self.key(person_id, create=True), person_id, sealed, column)
            self.touched.add(person_id)
        return sealed

    def open(self, token: str, column: str) -> str:
        """The plaintext, through every layer; `PersonErased` if one's key is gone. Text sealed
        under the master key (written before data keys) still opens."""
        if data_key_owner(token) is None:
            return self.cipher.decrypt(token, column)
        while not token.startswith(VALUE):
            owner = data_key_owner(token)
            if owner is None:
                raise DecryptionError(f"a layer of {column} is not a data-key ciphertext")
            token = open_with(self.key(owner), token, column)
            if not self._aside:
                self.touched.add(owner)
        return token.removeprefix(VALUE)

    def destroy(self, person_id: str, at: datetime) -> bool:
        """Delete the person's key and record the erasure; False if already erased."""
        self._keys.pop(person_id, None)
        self.session.execute(delete(PersonKey).where(PersonKey.person_id == person_id))
        if (before := self.session.get(PersonErasure, person_id)) is not None:
            self._erased[person_id] = before.erased_at
            return False
        self._erased[person_id] = at
        self.session.add(PersonErasure(person_id=person_id, erased_at=at))
        self.session.flush()
        return True


def data_keys(session: Session, cipher: FieldCipher) -> DataKeys:
    """The unit of work's data keys (one cache per session, gone when it ends)."""
    found = session.info.get(_INFO)
    if not isinstance(found, DataKeys):
        found = DataKeys(session, cipher)
        session.info[_INFO] = found
    return found


# ---- the ledger outside the database ----


def record_erasure(directory: Path, person_id: str, at: datetime) -> None:
    """Append one erasure (the person's random id and the time: nothing personal), flushed to
    disk before the caller's transaction commits."""
    directory.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"person_id": person_id, "erased_at": at.isoformat()}, sort_keys=True)
    with (directory / LEDGER_FILE).open("a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())


def ledger(directory: Path) -> list[tuple[str, datetime]]:
    path = directory / LEDGER_FILE
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            found.append((str(entry["person_id"]), datetime.fromisoformat(entry["erased_at"])))
    return found


def reapply(session: Session, entries: list[tuple[str, datetime]]) -> list[str]:
    """Erase again every person of the ledger that a restored backup did not know as erased
    (their key deleted, their erasure recorded); returns those persons' ids."""
    again = []
    for person_id, at in entries:
        session.execute(delete(PersonKey).where(PersonKey.person_id == person_id))
        if session.get(PersonErasure, person_id) is None:
            session.add(PersonErasure(person_id=person_id, erased_at=at))
            again.append(person_id)
    session.flush()
    return again


def erased_among(session: Session, person_ids: Iterable[str]) -> dict[str, datetime]:
    ids = list(person_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(PersonErasure.person_id, PersonErasure.erased_at).where(
            PersonErasure.person_id.in_(ids)
        )
    ).all()
    return {str(person_id): at for person_id, at in rows}
