"""The portal over its own databases (SQLite and PostgreSQL), so that its figures are exactly
those of the history loaded here: the illustrative shelters with 60 days of reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from corredor.platform import Platform
from corredor.shelters import use_cases as shelters
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS, illustrative_history
from tests.platform.conftest import BACKENDS, Databases, build_platform, databases

__all__ = ["databases"]
TODAY = date(2026, 11, 20)
FIRST = TODAY - timedelta(days=59)


@pytest.fixture(scope="module", params=BACKENDS)
def portal_platform(request: pytest.FixtureRequest, databases: Databases) -> Platform:
    platform = build_platform(databases.new(request.param))
    platform.today = lambda: TODAY
    shelters.seed_registry(platform)
    shelters.import_history(platform, illustrative_history(ILLUSTRATIVE_SHELTERS, FIRST, TODAY))
    return platform
