"""The case workflow: an explicit state machine.

Each transition names the states it may start from, the state it leads to, the permission
needed to perform it, the guards that must hold and the events it emits. The service layer
asks `step(...)` and records the events; nothing else changes a case's state. A refused
transition says which actions *are* allowed from the current state, so the API can answer
409 with something the caller can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from corredor.kernel.domain.permissions import Permission


class CaseKind(StrEnum):
    CORRIDOR = "corridor"  # the joint TVRH -> parole corridor (seed 000)
    GENERIC = "generic"  # any other pathway: referral in, decision out


class CaseState(StrEnum):
    REGISTERED = "registered"
    TVRH_ISSUED = "tvrh_issued"
    TVRH_REFUSED = "tvrh_refused"
    TVRH_EXPIRED = "tvrh_expired"
    PAROLE_REQUESTED = "parole_requested"
    VETTED_CLEAR = "vetted_clear"
    SECONDARY_REVIEW = "secondary_review"
    PAROLE_GRANTED = "parole_granted"
    PAROLE_DENIED = "parole_denied"
    WORK_AUTHORIZED = "work_authorized"  # admitted (paroled in); parole is the work permit
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"
    APPROVED = "approved"
    REFUSED = "refused"


class Action(StrEnum):
    ADD_MEMBER = "add_member"
    ISSUE_TVRH = "issue_tvrh"
    REFUSE_TVRH = "refuse_tvrh"
    RENEW_TVRH = "renew_tvrh"
    EXPIRE_TVRH = "expire_tvrh"
    APPLY_PAROLE = "apply_parole"
    VETTING_CLEAR = "vetting_clear"
    VETTING_HIT = "vetting_hit"
    GRANT_PAROLE = "grant_parole"
    DENY_PAROLE = "deny_parole"
    ADMIT = "admit"
    WITHDRAW = "withdraw"
    APPROVE_REFERRAL = "approve_referral"
    REFUSE_REFERRAL = "refuse_referral"


@dataclass(frozen=True)
class GuardContext:
    """What the guards may look at; the service fills it from the case's records."""

    today: date
    eligible: bool | None = None  # the policy engine's outcome for this step, if it decides
    reason: str | None = None
    travel_mode: str | None = None
    tvrh_valid_until: date | None = None
    active_disclosure_to_cbp: bool = False


@dataclass(frozen=True)
class Guard:
    description: str
    holds: Callable[[GuardContext], bool]


@dataclass(frozen=True)
class Transition:
    kind: CaseKind
    action: Action
    sources: frozenset[CaseState]
    target: CaseState
    permission: Permission
    events: tuple[str, ...]
    guards: tuple[Guard, ...] = ()


class WorkflowError(Exception):
    """A transition that may not happen now."""

    def __init__(self, message: str, state: CaseState, allowed: list[Action]) -> None:
        super().__init__(message)
        self.state = state
        self.allowed = allowed


class IllegalTransition(WorkflowError):
    """The action does not start from the case's current state."""


class GuardFailed(WorkflowError):
    """The action starts from this state, but a condition it needs does not hold."""


ELIGIBLE = Guard("the policy engine finds the case eligible", lambda c: c.eligible is True)
NOT_ELIGIBLE = Guard("the policy engine finds the case not eligible", lambda c: c.eligible is False)
HAS_REASON = Guard("a reason is given", lambda c: bool(c.reason and c.reason.strip()))
HAS_TRAVEL_MODE = Guard("the travel mode is recorded", lambda c: c.travel_mode is not None)
TVRH_VALID = Guard(
    "the TVRH is still valid",
    lambda c: c.tvrh_valid_until is not None and c.today <= c.tvrh_valid_until,
)
TVRH_LAPSED = Guard(
    "the TVRH's validity has ended",
    lambda c: c.tvrh_valid_until is not None and c.today > c.tvrh_valid_until,
)
DISCLOSED_TO_CBP = Guard(
    "a disclosure to CBP, backed by the person's consent, is in force",
    lambda c: c.active_disclosure_to_cbp,
)

S = CaseState
_CORRIDOR_OPEN = frozenset(
    {
        S.REGISTERED,
        S.TVRH_ISSUED,
        S.TVRH_EXPIRED,
        S.PAROLE_REQUESTED,
        S.VETTED_CLEAR,
        S.SECONDARY_REVIEW,
        S.PAROLE_GRANTED,
    }
)


def _t(  # noqa: PLR0917 - positional on purpose: each call below reads as a table row
    kind: CaseKind,
    action: Action,
    sources: set[CaseState],
    target: CaseState,
    permission: Permission,
    events: tuple[str, ...],
    *guards: Guard,
) -> Transition:
    return Transition(kind, action, frozenset(sources), target, permission, events, guards)


C, G, P = CaseKind.CORRIDOR, CaseKind.GENERIC, Permission
TRANSITIONS: Final[tuple[Transition, ...]] = (
    # A household moves together: members join before the TVRH is issued to all of them.
    _t(C, Action.ADD_MEMBER, {S.REGISTERED}, S.REGISTERED, P.HOUSEHOLD_UPDATE, ("member_added",)),
    _t(
        C,
        Action.ISSUE_TVRH,
        {S.REGISTERED},
        S.TVRH_ISSUED,
        P.TVRH_ISSUE,
        ("tvrh_issued",),
        ELIGIBLE,
    ),
    _t(
        C,
        Action.REFUSE_TVRH,
        {S.REGISTERED},
        S.TVRH_REFUSED,
        P.TVRH_ISSUE,
        ("tvrh_refused",),
        NOT_ELIGIBLE,
        HAS_REASON,
    ),
    _t(
        C,
        Action.RENEW_TVRH,
        {S.TVRH_ISSUED, S.TVRH_EXPIRED},
        S.TVRH_ISSUED,
        P.TVRH_RENEW,
        ("tvrh_renewed",),
        ELIGIBLE,
    ),
    _t(
        C,
        Action.EXPIRE_TVRH,
        {S.TVRH_ISSUED},
        S.TVRH_EXPIRED,
        P.TVRH_EXPIRE,
        ("tvrh_expired",),
        TVRH_LAPSED,
    ),
    _t(
        C,
        Action.APPLY_PAROLE,
        {S.TVRH_ISSUED},
        S.PAROLE_REQUESTED,
        P.PAROLE_APPLY,
        ("parole_requested",),
        TVRH_VALID,
        DISCLOSED_TO_CBP,
    ),
    _t(
        C,
        Action.VETTING_CLEAR,
        {S.PAROLE_REQUESTED},
        S.VETTED_CLEAR,
        P.VETTING_RUN,
        ("vetting_clear",),
    ),
    _t(
        C,
        Action.VETTING_HIT,
        {S.PAROLE_REQUESTED},
        S.SECONDARY_REVIEW,
        P.VETTING_RUN,
        ("vetting_hit", "secondary_review_queued"),
    ),
    _t(
        C,
        Action.GRANT_PAROLE,
        {S.VETTED_CLEAR},
        S.PAROLE_GRANTED,
        P.PAROLE_DECIDE,
        ("parole_granted",),
        ELIGIBLE,
        HAS_TRAVEL_MODE,
    ),
    # After secondary review an officer may still grant, but must write down why.
    _t(
        C,
        Action.GRANT_PAROLE,
        {S.SECONDARY_REVIEW},
        S.PAROLE_GRANTED,
        P.PAROLE_DECIDE,
        ("secondary_review_cleared", "parole_granted"),
        HAS_TRAVEL_MODE,
        HAS_REASON,
    ),
    _t(
        C,
        Action.DENY_PAROLE,
        {S.VETTED_CLEAR, S.SECONDARY_REVIEW},
        S.PAROLE_DENIED,
        P.PAROLE_DECIDE,
        ("parole_denied",),
        HAS_REASON,
    ),
    _t(
        C,
        Action.ADMIT,
        {S.PAROLE_GRANTED},
        S.WORK_AUTHORIZED,
        P.ADMISSION_RECORD,
        ("admitted", "work_authorized"),
    ),
    _t(C, Action.WITHDRAW, set(_CORRIDOR_OPEN), S.WITHDRAWN, P.CASE_WITHDRAW, ("withdrawn",)),
    _t(
        G,
        Action.APPROVE_REFERRAL,
        {S.REFERRED},
        S.APPROVED,
        P.REFERRAL_DECIDE,
        ("referral_approved",),
        ELIGIBLE,
    ),
    _t(
        G,
        Action.REFUSE_REFERRAL,
        {S.REFERRED},
        S.REFUSED,
        P.REFERRAL_DECIDE,
        ("referral_refused",),
        HAS_REASON,
    ),
    _t(G, Action.WITHDRAW, {S.REFERRED}, S.WITHDRAWN, P.CASE_WITHDRAW, ("withdrawn",)),
)

INITIAL_STATE: Final[dict[CaseKind, CaseState]] = {C: S.REGISTERED, G: S.REFERRED}


def transitions_from(kind: CaseKind, state: CaseState) -> list[Transition]:
    return [t for t in TRANSITIONS if t.kind is kind and state in t.sources]


def allowed_actions(kind: CaseKind, state: CaseState) -> list[Action]:
    return list(dict.fromkeys(t.action for t in transitions_from(kind, state)))


def permission_for(kind: CaseKind, action: Action) -> Permission:
    found = {t.permission for t in TRANSITIONS if t.kind is kind and t.action is action}
    if len(found) != 1:
        raise KeyError(f"{action} is not an action of a {kind} case")
    return found.pop()


def is_terminal(kind: CaseKind, state: CaseState) -> bool:
    return not transitions_from(kind, state)


@dataclass(frozen=True)
class Step:
    source: CaseState
    target: CaseState
    action: Action
    events: tuple[str, ...]


def step(kind: CaseKind, state: CaseState, action: Action, context: GuardContext) -> Step:
    """The state the case moves to and the events it emits, or a WorkflowError saying why not."""
    allowed = allowed_actions(kind, state)
    candidates = [t for t in transitions_from(kind, state) if t.action is action]
    if not candidates:
        raise IllegalTransition(
            f"cannot {action} a {kind} case in state {state}", state=state, allowed=allowed
        )
    (transition,) = candidates  # the table has at most one transition per (kind, state, action)
    failed = [guard.description for guard in transition.guards if not guard.holds(context)]
    if failed:
        raise GuardFailed(
            f"cannot {action} now: {'; '.join(failed)} does not hold",
            state=state,
            allowed=allowed,
        )
    return Step(source=state, target=transition.target, action=action, events=transition.events)
