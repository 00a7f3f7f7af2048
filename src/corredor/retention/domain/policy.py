"""The retention policy: one rule per kind of data, each with its period and its legal source
(or a period labelled as an assumption where no text fixes one). Pure: no file, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final


class DataKind(StrEnum):
    CLOSED_CASES = "closed_cases"  # a case in a state it never leaves: its people are erased
    REFUSED_TVRH = "refused_tvrh"  # a refused TVRH: its people are erased
    IDEMPOTENCY_REPLAYS = "idempotency_replays"  # stored replies to retried requests: deleted
    VERIFICATION_LOGS = "verification_logs"  # the servers' log lines: rotated outside the DB


UNITS: Final = {"days": 1, "years": 365}


class PolicyError(ValueError):
    """The policy file is not usable: names the rule and the field."""


@dataclass(frozen=True)
class Rule:
    kind: DataKind
    keep_days: int
    source: str
    assumption: bool  # no text fixes this period: it is the project's own, and says so

    def cutoff(self, now: datetime) -> datetime:
        """Data last touched before this moment is due."""
        return now - timedelta(days=self.keep_days)


@dataclass(frozen=True)
class RetentionPolicy:
    version: str
    rules: dict[DataKind, Rule]


def _period(where: str, raw: dict[str, Any]) -> int:
    given = [unit for unit in UNITS if unit in raw]
    if len(given) != 1:
        raise PolicyError(f"{where}: give exactly one of keep.days or keep.years")
    value = raw[given[0]]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise PolicyError(f"{where}.{given[0]}: a whole number of at least 1")
    return value * UNITS[given[0]]


def parse(data: Any) -> RetentionPolicy:
    """The policy from its parsed YAML; every rule needs a period and a source, and every kind
    of data needs exactly one rule."""
    if not isinstance(data, dict):
        raise PolicyError("the retention policy is a mapping with version and rules")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise PolicyError("version: a non-empty string")
    rules: dict[DataKind, Rule] = {}
    for i, raw in enumerate(data.get("rules") or []):
        where = f"rules[{i}]"
        if not isinstance(raw, dict):
            raise PolicyError(f"{where}: a mapping")
        try:
            kind = DataKind(str(raw.get("kind")))
        except ValueError:
            known = ", ".join(k.value for k in DataKind)
            raise PolicyError(f"{where}.kind: one of {known}") from None
        if kind in rules:
            raise PolicyError(f"{where}.kind: {kind} has a rule already")
        source = raw.get("source")
        if not isinstance(source, str) or not source.strip():
            raise PolicyError(f"{where}.source: every period cites its source or assumption")
        keep = raw.get("keep")
        if not isinstance(keep, dict):
            raise PolicyError(f"{where}.keep: days or years")
        rules[kind] = Rule(
            kind, _period(f"{where}.keep", keep), source.strip(), bool(raw.get("assumption"))
        )
    if missing := [k.value for k in DataKind if k not in rules]:
        raise PolicyError(f"rules: no rule for {', '.join(missing)}")
    return RetentionPolicy(version, rules)
