"""Fixtures shared across the suite."""

from __future__ import annotations

import pytest

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.policy_files import load_catalogue


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()
