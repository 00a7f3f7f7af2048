"""The unit of work: the one way a use case opens a transaction.

A use case (`<feature>/use_cases.py`) runs its whole job inside one unit of work, so a page or
an API route that calls it sees one snapshot and commits all or nothing. Routes, pages and
commands never open one themselves: they call use cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy.orm import Session

from corredor.kernel.database import Database


class HasDatabase(Protocol):
    @property
    def db(self) -> Database: ...


@contextmanager
def unit_of_work(owner: HasDatabase | Database) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises. The owner is
    the platform (use cases) or, for the kernel's own jobs, the database itself."""
    database = owner if isinstance(owner, Database) else owner.db
    with database.transaction() as session:
        yield session
