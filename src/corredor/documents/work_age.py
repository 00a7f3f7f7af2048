"""The work-age rule read once from data/ (see `domain.work_age`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from corredor.config import DATA_DIR
from corredor.documents.domain.work_age import WorkAgeRule


@cache
def work_age_rule(path: Path = DATA_DIR / "work-age.yaml") -> WorkAgeRule:
    return WorkAgeRule.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
