"""Decisions in plain language: the pathway's title, outcome, reasons and next steps, in the
reader's language. Labels come from the policy files; sentences around them from the catalogs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from babel.support import NullTranslations

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import Profile
from corredor.screening.domain.policy import Policy, Status
from corredor.screening.domain.rules import Decision, Outcome, Reason
from corredor.screening.use_cases.policies import offices
from corredor.web.i18n import N_, Formatter, pick

# What a child travelling alone reads first (msgids). Never a journey: help comes to the child.
CHILD_TITLE = N_("You are under 18 and travelling alone: you have the right to be protected")
CHILD_IN_MEXICO = (
    N_(
        "Mexican law gives a child or adolescent travelling alone the right to a humanitarian "
        "visitor card (TVRH), for free (Ley de Migración, art. 52 fr. V and art. 74). You do not "
        "need to travel anywhere to ask for it: the INM must call the child protection system "
        "(DIF) for you right away."
    ),
    N_(
        "Mexico's child protection system, the DIF and the Procuraduría de Protección de Niñas, "
        "Niños y Adolescentes, must protect you, give you a safe place to stay and decide with you "
        "what is best for you. Ask a shelter, the police, the INM or the DIF where you are to "
        "contact them. It is free."
    ),
)
CHILD_ELSEWHERE = (
    N_(
        "Ask the child protection authority of the country where you are, or UNHCR, for help "
        "where you are. It is free."
    ),
)
CHILD_EVERYWHERE = (
    N_("UNHCR (ACNUR) helps children travelling alone where they are, for free."),
    N_(
        "Do not travel alone and do not pay anyone to take you across a border: no smuggler can "
        "get you papers, and the journey is very dangerous for children."
    ),
    N_(
        "Proposal (by Corredor, not a government program): a caseworker could check whether you "
        "could join a parent who lives lawfully in the United States through the Central "
        "American Minors (CAM) program. CAM takes no new applications now."
    ),
)


def child_protection(profile: Profile, gettext: NullTranslations) -> list[str]:
    """For a child travelling alone: protection where they are, before any pathway."""
    if profile.unaccompanied_minor is not True:
        return []
    _ = gettext.gettext
    local = CHILD_IN_MEXICO if profile.current_country in (None, "MX") else CHILD_ELSEWHERE
    return [_(text) for text in (*local, *CHILD_EVERYWHERE)]


@dataclass(frozen=True)
class ReasonView:
    state: str  # met, not_met, unknown, needs_advice, info
    text: str


@dataclass(frozen=True)
class PathwayView:
    pathway: str
    version: str | None
    title: str
    outcome: str
    outcome_text: str
    summary: str | None
    reasons: list[ReasonView] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    proposal: bool = False  # Corredor's proposed pilot, not (yet) a government program
    instead: list[str] = field(default_factory=list)  # when not eligible: what exists instead
    closed: str | None = None  # one line when the pathway is closed (or not yet open)
    places: list[PlaceView] = field(default_factory=list)  # where the shown steps happen


@dataclass(frozen=True)
class OfficeView:
    name: str
    address: str | None
    hours: str | None
    phone: str | None
    web: str
    checked: str


@dataclass(frozen=True)
class PlaceView:
    free: bool
    fraud: str
    bring: list[str]
    offices: list[OfficeView]


@dataclass(frozen=True)
class ResultGroups:
    """The results page, shortest path first: what may be open, then the rest, folded."""

    open: list[PathwayView]  # eligible or needs more answers
    refused: list[PathwayView]  # in force, but a rule is not met
    closed: list[PathwayView]  # closed or not yet open: one line each


def group(views: list[PathwayView]) -> ResultGroups:
    return ResultGroups(
        open=[view for view in views if view.outcome != Outcome.NOT_ELIGIBLE.value],
        refused=[
            view
            for view in views
            if view.outcome == Outcome.NOT_ELIGIBLE.value and view.closed is None
        ],
        closed=[view for view in views if view.closed is not None],
    )


def _policy(catalogue: Catalogue, decision: Decision) -> Policy:
    versions = catalogue.versions(decision.pathway)
    return next((p for p in versions if p.version == decision.version), versions[-1])


def _reason(
    reason: Reason,
    *,
    decision: Decision,
    policy: Policy,
    lang: str,
    gettext: NullTranslations,
    fmt: Formatter,
) -> ReasonView:
    _ = gettext.gettext
    if reason.key.startswith("clause."):
        clause = next((c for c in decision.clauses() if c.ref == reason.clause), None)
        label = pick(clause.label if clause else None, lang) or reason.params.get("requirement", "")
        state = reason.key.removeprefix("clause.")
        return ReasonView(state, label)
    if reason.key == "phase.opens_later":
        phase = next((p for p in policy.phases if p.id == reason.params["phase"]), None)
        title = pick(phase.title if phase else None, lang) or reason.params["title"]
        opens = fmt.date(date.fromisoformat(reason.params["opens"]))
        return ReasonView(
            "info",
            _("Your group can apply from %(date)s: %(title)s") % {"date": opens, "title": title},
        )
    if reason.key == "pathway.not_yet_open":
        opens = fmt.date(date.fromisoformat(reason.params["opens"]))
        return ReasonView("info", _("This pathway opens on %(date)s") % {"date": opens})
    if reason.key == "pathway.closed":
        closed = fmt.date(date.fromisoformat(reason.params["closed"]))
        return ReasonView(
            "info",
            _("This pathway has been closed to new applications since %(date)s") % {"date": closed},
        )
    return ReasonView("info", reason.text)  # a reason this page does not know yet: English


def _places(policy: Policy, shown: list[bool], lang: str, fmt: Formatter) -> list[PlaceView]:
    """The offices of the steps shown, with what to bring, cost and the fraud to watch for."""
    places = offices().places
    kinds = dict.fromkeys(
        step.where
        for step, visible in zip(policy.next_steps, shown, strict=True)
        if visible and step.where in places
    )
    views = []
    for kind in kinds:
        assert kind is not None
        place = places[kind]
        views.append(
            PlaceView(
                free=place.free is True,
                fraud=pick(place.fraud, lang) or "",
                bring=[pick(item, lang) or "" for item in place.bring],
                offices=[
                    OfficeView(
                        name=office.name,
                        address=office.address,
                        hours=office.hours,
                        phone=office.phone,
                        web=str(office.web),
                        checked=fmt.date(office.checked),
                    )
                    for office in place.offices
                ],
            )
        )
    return views


def explain(
    catalogue: Catalogue,
    decisions: Iterable[Decision],
    lang: str,
    gettext: NullTranslations,
    fmt: Formatter,
    *,
    unaccompanied_child: bool = False,
) -> list[PathwayView]:
    """Pathways the person may use first, then those that need more answers, then the rest.

    A child travelling alone is never shown a step that is a journey (`Step.journey`).
    """
    _ = gettext.gettext
    outcome_text = {
        Outcome.ELIGIBLE: _("You may be eligible"),
        Outcome.UNKNOWN: _("We need more information"),
        Outcome.NOT_ELIGIBLE: _("Not open to you now"),
    }
    order = {Outcome.ELIGIBLE: 0, Outcome.UNKNOWN: 1, Outcome.NOT_ELIGIBLE: 2}
    views = []
    for decision in sorted(decisions, key=lambda d: order[d.outcome]):
        policy = _policy(catalogue, decision)
        reasons = [
            _reason(reason, decision=decision, policy=policy, lang=lang, gettext=gettext, fmt=fmt)
            for reason in decision.reasons
        ]
        closing = {"pathway.closed", "pathway.not_yet_open"}
        closed = next(
            (
                view.text
                for view, r in zip(reasons, decision.reasons, strict=True)
                if r.key in closing
            ),
            None,
        )
        shown = [
            decision.outcome is not Outcome.NOT_ELIGIBLE
            and not (unaccompanied_child and step.journey)
            for step in policy.next_steps
        ]
        views.append(
            PathwayView(
                pathway=decision.pathway,
                version=decision.version,
                title=pick(policy.titles, lang) or decision.pathway,
                outcome=decision.outcome.value,
                outcome_text=outcome_text[decision.outcome],
                summary=pick(policy.summary, lang),
                reasons=reasons,
                closed=closed,
                next_steps=[
                    pick(step.text, lang) or ""
                    for step, visible in zip(policy.next_steps, shown, strict=True)
                    if visible
                ],
                places=_places(policy, shown, lang, fmt),
                proposal=policy.status is Status.PROPOSAL,
                instead=[pick(step.text, lang) or "" for step in policy.if_not_eligible]
                if decision.outcome is Outcome.NOT_ELIGIBLE
                else [],
            )
        )
    return views
