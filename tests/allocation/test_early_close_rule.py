"""The four-eyes rule of `allocation.domain.early_close`, alone: when a run may happen, and who
may confirm an early close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corredor.allocation.domain.early_close import (
    EarlyCloseState,
    RunRefused,
    check_confirmation,
    check_run,
    clean_reason,
)

CLOSE = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
DAY_1 = CLOSE - timedelta(days=7)
ASKED = EarlyCloseState(requested_by="officer-a", reason="Road closed by floods")


def test_at_or_after_the_close_the_run_needs_no_one_else() -> None:
    assert check_run(CLOSE, CLOSE, None) is False
    assert check_run(CLOSE, CLOSE + timedelta(days=1), ASKED) is False


def test_before_the_close_one_officer_is_not_enough() -> None:
    with pytest.raises(RunRefused) as nothing:
        check_run(CLOSE, DAY_1, None)
    assert nothing.value.allowed == ["early-close"]
    with pytest.raises(RunRefused) as waiting:
        check_run(CLOSE, CLOSE - timedelta(seconds=1), ASKED)
    assert waiting.value.allowed == ["early-close/confirmation"]
    confirmed = EarlyCloseState("officer-a", ASKED.reason, confirmed_by="officer-b")
    assert check_run(CLOSE, DAY_1, confirmed) is True


def test_the_asker_cannot_confirm_and_nothing_is_confirmed_twice() -> None:
    with pytest.raises(RunRefused, match="cannot confirm"):
        check_confirmation(ASKED, "officer-a")
    check_confirmation(ASKED, "officer-b")
    with pytest.raises(RunRefused) as missing:
        check_confirmation(None, "officer-b")
    assert missing.value.allowed == ["early-close"]
    with pytest.raises(RunRefused, match="already confirmed"):
        check_confirmation(EarlyCloseState("officer-a", "x", "officer-b"), "officer-c")


def test_a_reason_is_folded_and_bounded() -> None:
    assert clean_reason("  Road   closed\nby floods ") == "Road closed by floods"
    assert clean_reason("too short") is None
    assert clean_reason("x" * 501) is None
