"""The case state machine, on its own: no database, no web."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corredor.cases.domain.workflow import (
    TRANSITIONS,
    Action,
    CaseKind,
    CaseState,
    GuardContext,
    GuardFailed,
    IllegalTransition,
    allowed_actions,
    is_terminal,
    step,
)
from corredor.kernel.domain.permissions import ROLE_PERMISSIONS, Permission

TODAY = date(2026, 6, 1)


def test_an_illegal_transition_names_the_allowed_ones() -> None:
    with pytest.raises(IllegalTransition) as refused:
        step(CaseKind.CORRIDOR, CaseState.REGISTERED, Action.ADMIT, GuardContext(today=TODAY))
    assert refused.value.allowed == [
        Action.ADD_MEMBER,
        Action.ISSUE_TVRH,
        Action.REFUSE_TVRH,
        Action.WITHDRAW,
    ]


def test_issuing_a_tvrh_needs_the_policy_engine_to_agree() -> None:
    with pytest.raises(GuardFailed, match="policy engine"):
        step(CaseKind.CORRIDOR, CaseState.REGISTERED, Action.ISSUE_TVRH, GuardContext(today=TODAY))
    taken = step(
        CaseKind.CORRIDOR,
        CaseState.REGISTERED,
        Action.ISSUE_TVRH,
        GuardContext(today=TODAY, eligible=True),
    )
    assert taken.target is CaseState.TVRH_ISSUED
    assert taken.events == ("tvrh_issued",)


def test_a_denial_needs_a_reason() -> None:
    with pytest.raises(GuardFailed, match="reason"):
        step(
            CaseKind.CORRIDOR,
            CaseState.SECONDARY_REVIEW,
            Action.DENY_PAROLE,
            GuardContext(today=TODAY, reason="  "),
        )


def test_parole_application_needs_a_valid_tvrh_and_a_disclosure() -> None:
    context = GuardContext(today=TODAY, tvrh_valid_until=TODAY - timedelta(days=1))
    with pytest.raises(GuardFailed) as refused:
        step(CaseKind.CORRIDOR, CaseState.TVRH_ISSUED, Action.APPLY_PAROLE, context)
    assert "TVRH is still valid" in str(refused.value)
    assert "disclosure to CBP" in str(refused.value)


def test_admission_emits_work_authorization() -> None:
    taken = step(
        CaseKind.CORRIDOR, CaseState.PAROLE_GRANTED, Action.ADMIT, GuardContext(today=TODAY)
    )
    assert taken.target is CaseState.WORK_AUTHORIZED
    assert "work_authorized" in taken.events


def test_every_transition_can_be_performed_by_some_role() -> None:
    held = set().union(*ROLE_PERMISSIONS.values())
    assert {t.permission for t in TRANSITIONS} <= held


def test_one_transition_per_kind_state_and_action() -> None:
    seen = set()
    for transition in TRANSITIONS:
        for source in transition.sources:
            key = (transition.kind, source, transition.action)
            assert key not in seen, key
            seen.add(key)


def test_terminal_states_allow_nothing() -> None:
    for state in (CaseState.WORK_AUTHORIZED, CaseState.WITHDRAWN, CaseState.PAROLE_DENIED):
        assert is_terminal(CaseKind.CORRIDOR, state)
    assert not is_terminal(CaseKind.CORRIDOR, CaseState.TVRH_EXPIRED)  # it can be renewed


@given(
    state=st.sampled_from(list(CaseState)),
    action=st.sampled_from(list(Action)),
    kind=st.sampled_from(list(CaseKind)),
)
def test_step_either_moves_as_the_table_says_or_refuses(
    state: CaseState, action: Action, kind: CaseKind
) -> None:
    permissive = GuardContext(
        today=TODAY,
        eligible=True,
        reason="reviewed",
        travel_mode="flight",
        tvrh_valid_until=TODAY,
        active_disclosure_to_cbp=True,
    )
    try:
        taken = step(kind, state, action, permissive)
    except IllegalTransition:
        assert action not in allowed_actions(kind, state)
    except GuardFailed:
        assert action in allowed_actions(kind, state)
    else:
        assert action in allowed_actions(kind, state)
        assert any(
            t.target is taken.target and state in t.sources and t.action is action
            for t in TRANSITIONS
        )


def test_permissions_are_subject_action_strings() -> None:
    for permission in Permission:
        subject, _, action = permission.partition(":")
        assert subject and action, permission
