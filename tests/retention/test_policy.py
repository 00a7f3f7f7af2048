"""The retention policy file: the shipped one parses with a source for every rule, and a file
missing a period, a source or a kind is refused naming the rule and the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from corredor.retention.domain.policy import DataKind, PolicyError, parse
from corredor.retention.policy_file import load_policy


def rules(**change: Any) -> dict[str, Any]:
    base: list[dict[str, Any]] = [
        {"kind": kind.value, "keep": {"days": 30}, "source": "a text"} for kind in DataKind
    ]
    base[0] |= change
    return {"version": "1", "rules": base}


def test_the_shipped_policy_has_a_rule_with_a_source_for_every_kind() -> None:
    policy = load_policy()
    assert policy.version
    assert set(policy.rules) == set(DataKind)
    assert all(len(rule.source) > 20 for rule in policy.rules.values())
    assert policy.rules[DataKind.CLOSED_CASES].keep_days == 5 * 365
    assert policy.rules[DataKind.IDEMPOTENCY_REPLAYS].assumption is False


def test_the_cutoff_is_the_period_before_now() -> None:
    rule = parse(rules(keep={"years": 2})).rules[DataKind.CLOSED_CASES]
    now = datetime(2030, 6, 1, tzinfo=UTC)
    assert rule.cutoff(now) == datetime(2028, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"source": " "}, "rules[0].source"),
        ({"keep": {"days": 0}}, "rules[0].keep.days"),
        ({"keep": {"days": 3, "years": 1}}, "rules[0].keep"),
        ({"keep": "forever"}, "rules[0].keep"),
        ({"kind": "photos"}, "rules[0].kind"),
        ({"kind": DataKind.REFUSED_TVRH.value}, "rules[1].kind"),  # two rules for one kind
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(change: dict[str, Any], named: str) -> None:
    with pytest.raises(PolicyError, match=named.replace("[", r"\[").replace("]", r"\]")):
        parse(rules(**change))


def test_every_kind_needs_a_rule_and_the_policy_a_version() -> None:
    data = rules()
    data["rules"] = data["rules"][1:]
    with pytest.raises(PolicyError, match="no rule for closed_cases"):
        parse(data)
    with pytest.raises(PolicyError, match="version"):
        parse({"rules": rules()["rules"]})
