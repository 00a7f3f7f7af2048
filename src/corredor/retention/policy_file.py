"""The retention policy file shipped in policies/retention.yaml (versioned with the code)."""

from __future__ import annotations

from pathlib import Path

import yaml

from corredor.kernel.resources import shipped
from corredor.retention.domain.policy import PolicyError, RetentionPolicy, parse


def default_policy_file() -> Path:
    return shipped("policies") / "retention.yaml"


def load_policy(path: Path | None = None) -> RetentionPolicy:
    chosen = path or default_policy_file()
    try:
        data = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PolicyError(f"{chosen}: {type(error).__name__}: {error}") from None
    return parse(data)
