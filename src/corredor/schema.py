"""Every table of every feature, registered on one metadata: what the migrations are checked
against (tests/project/test_migrations.py) and what re-sealing walks (`corredor keys`). The
platform imports it, so that foreign keys between features' tables always resolve."""

from __future__ import annotations

from typing import Final

from sqlalchemy import MetaData

from corredor.accounts import tables as _accounts  # noqa: F401
from corredor.allocation import tables as _allocation  # noqa: F401
from corredor.cases import tables as _cases  # noqa: F401
from corredor.documents import tables as _documents  # noqa: F401
from corredor.identity import tables as _identity  # noqa: F401
from corredor.kernel.tables import Base
from corredor.portal import tables as _portal  # noqa: F401
from corredor.screening import tables as _screening  # noqa: F401
from corredor.sharing import tables as _sharing  # noqa: F401
from corredor.shelters import tables as _shelters  # noqa: F401

metadata: Final[MetaData] = Base.metadata
