"""A person's case as pages: the list, and the case with its timeline, decisions and grants.
Each page calls the same use case as the API route of the same purpose, with the signed-in
person, so the same permissions and the same scope (an applicant sees only their own case) apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.cases.domain.workflow import CaseState
from corredor.cases.schemas import CaseStatusOut, EventOut
from corredor.cases.use_cases import reading
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role, may
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.predicates import Labels, Predicate, children
from corredor.web import labels
from corredor.web.i18n import N_, pick
from corredor.web.page import Page, WebSettings
from corredor.web.session import signed_in_page, who_may

P = Permission
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
DONE = {
    "parole": N_(
        "Your parole application was sent. CBP will look at it and tell you what happens next."
    ),
    "registered": N_("The household was registered."),
    "tvrh": N_("The humanitarian visitor card (TVRH) was issued."),
    "refused": N_("The rules were not met: the humanitarian visitor card was refused."),
    "disclosed": N_("The consented data was disclosed to CBP."),
    "decided": N_("The parole decision was recorded."),
    "admitted": N_("The admission was recorded. Work authorization started."),
}


@dataclass(frozen=True)
class EventView:
    text: str
    at: str
    by: str
    on_behalf: bool


@dataclass(frozen=True)
class DecisionView:
    subject: str
    outcome: str
    citation: str
    clauses: list[str]
    note: str | None


def case_title(page: Page, status: CaseStatusOut) -> str:
    return page.gettext.gettext("Case %(number)s") % {"number": status.id[:8].upper()}


def clause_labels(catalogue: Catalogue, pathway: str, version: str | None) -> dict[str, Labels]:
    """Every labelled clause of one policy version, by clause id."""
    if pathway not in catalogue.pathway_ids():
        return {}
    policy = next((p for p in catalogue.versions(pathway) if p.version == version), None)
    if policy is None:
        return {}
    found: dict[str, Labels] = {}
    # the whole rule with every phase open: eligibility, the phase gate and each cohort's clauses
    stack: list[Predicate] = [policy.predicate_at(date.max)]
    while stack:
        node = stack.pop()
        if node.id and node.label:
            found[node.id] = node.label
        stack.extend(children(node))
    return found


def decision_views(page: Page, catalogue: Catalogue, status: CaseStatusOut) -> list[DecisionView]:
    _ = page.gettext.gettext
    subjects = {
        "tvrh": _("Humanitarian visitor card (TVRH)"),
        "tvrh_renewal": _("Renewal of the humanitarian visitor card"),
        "parole": _("Parole"),
    }
    outcomes = {
        "eligible": _("The rules are met"),
        "not_eligible": _("The rules are not met"),
        "unknown": _("Not enough was known to decide"),
    }
    views = []
    for decision in status.decisions:
        known = clause_labels(catalogue, decision.policy_id or "", decision.policy_version)
        pathway = decision.policy_id or ""
        titles = (
            catalogue.versions(pathway)[-1].titles if pathway in catalogue.pathway_ids() else None
        )
        # each decision carries its own pathway's name (a renewal says it is one)
        subject = subjects.get(decision.subject) if decision.subject != "tvrh" else None
        views.append(
            DecisionView(
                subject=subject or pick(titles, page.lang) or decision.subject,
                outcome=outcomes.get(decision.outcome, decision.outcome),
                citation=f"{decision.policy_id}@{decision.policy_version}",
                clauses=[pick(known.get(c), page.lang) or c for c in decision.clauses],
                note=decision.note,
            )
        )
    return views


def event_views(page: Page, events: list[EventOut], applicant: bool) -> list[EventView]:
    g = page.gettext
    return [
        EventView(
            text=labels.event_text(event.name, event.data, g),
            at=page.fmt.datetime(event.at),
            by=labels.named(labels.ROLES, event.actor_role, g)
            if applicant or event.actor_role != Role.APPLICANT
            else g.gettext("The applicant"),
            on_behalf=event.on_behalf_of is not None,
        )
        for event in reversed(events)
    ]


def add_case_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/cases", response_class=HTMLResponse)
    def case_list(
        request: Request, who: Annotated[Principal, who_may(P.CASE_LIST)], state: str = ""
    ) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        chosen = CaseState(state) if state in set(CaseState) else None
        cases = reading.list_cases(platform, who, state=chosen, limit=100)
        _ = page.gettext.gettext
        return page.render(
            "account/cases.html",
            title=_("Your cases") if who.role is Role.APPLICANT else _("Cases"),
            cases=cases,
            chosen=state if chosen else "",
            states=[
                (s.value, labels.named(labels.STATES, s.value, page.gettext)) for s in CaseState
            ],
            state_name=lambda code: labels.named(labels.STATES, code, page.gettext),
        )

    @router.get("/cases/{case_id}", response_class=HTMLResponse)
    def case_page(
        request: Request,
        case_id: CaseId,
        who: Annotated[Principal, who_may(P.CASE_READ_STATUS)],
    ) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        status = reading.get_status(platform, who, case_id)
        events = reading.timeline(platform, who, case_id)
        g = page.gettext
        applicant = who.role is Role.APPLICANT
        cbp_disclosed = any(d.active and d.recipient == "CBP" for d in status.disclosures)
        done = request.query_params.get("done", "")
        return page.render(
            "account/case.html",
            title=case_title(page, status),
            case=status,
            applicant=applicant,
            state=labels.named(labels.STATES, status.state, g),
            events=event_views(page, events, applicant),
            decisions=decision_views(page, platform.catalogue, status),
            grants=[
                {
                    "kind": labels.named(labels.GRANTS, grant.kind, g),
                    "number": grant.number,
                    "valid_from": page.fmt.date(grant.valid_from),
                    "valid_until": page.fmt.date(grant.valid_until),
                }
                for grant in status.grants
            ],
            cbp_disclosed=cbp_disclosed,
            can_apply=status.state == CaseState.TVRH_ISSUED and may(who.role, P.PAROLE_APPLY),
            can_consent=may(who.role, P.CONSENT_RECORD),
            can_see_access=may(who.role, P.CASE_READ),
            can_issue_tvrh=status.state == CaseState.REGISTERED and may(who.role, P.TVRH_ISSUE),
            can_disclose=may(who.role, P.DISCLOSURE_CREATE)
            and status.state not in (CaseState.REGISTERED, CaseState.TVRH_REFUSED),
            can_review=may(who.role, P.DISCLOSURE_READ),
            can_match=may(who.role, P.PERSON_MATCH_READ),
            can_photograph=may(who.role, P.PERSON_PHOTO_CAPTURE) and not status.erased_on,
            done=g.gettext(DONE[done]) if done in DONE else None,
            erased_on=page.fmt.date(status.erased_on) if status.erased_on else None,
        )
