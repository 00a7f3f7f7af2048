"""Decisions in plain language: the pathway's title, outcome, reasons and next steps, in the
reader's language. Labels come from the policy files; sentences around them from the catalogs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from babel.support import NullTranslations

from corredor.domain.catalogue import Catalogue
from corredor.domain.policy import Policy, Status
from corredor.domain.predicates import Labels
from corredor.domain.rules import Decision, Outcome, Reason
from corredor.web.i18n import Formatter


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


def pick(labels: Labels | None, lang: str) -> str | None:
    """The text in the language, else English (policy files are checked to carry all five)."""
    if not labels:
        return None
    return labels.get(lang) or labels.get("en")


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


def explain(
    catalogue: Catalogue,
    decisions: Iterable[Decision],
    lang: str,
    gettext: NullTranslations,
    fmt: Formatter,
) -> list[PathwayView]:
    """Pathways the person may use first, then those that need more answers, then the rest."""
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
        views.append(
            PathwayView(
                pathway=decision.pathway,
                version=decision.version,
                title=pick(policy.titles, lang) or decision.pathway,
                outcome=decision.outcome.value,
                outcome_text=outcome_text[decision.outcome],
                summary=pick(policy.summary, lang),
                reasons=[
                    _reason(
                        reason,
                        decision=decision,
                        policy=policy,
                        lang=lang,
                        gettext=gettext,
                        fmt=fmt,
                    )
                    for reason in decision.reasons
                ],
                next_steps=[pick(step.text, lang) or "" for step in policy.next_steps]
                if decision.outcome is not Outcome.NOT_ELIGIBLE
                else [],
                proposal=policy.status is Status.PROPOSAL,
                instead=[pick(step.text, lang) or "" for step in policy.if_not_eligible]
                if decision.outcome is Outcome.NOT_ELIGIBLE
                else [],
            )
        )
    return views
