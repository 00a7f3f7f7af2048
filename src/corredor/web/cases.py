"""A person's case as pages: the list, the timeline, consent given and withdrawn, and who has
seen their data. Each page calls the same use case as the API route of the same purpose, with
the signed-in person, so the same permissions and the same scope (an applicant sees only their
own case) apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.cases.domain.workflow import CaseState
from corredor.domain.catalogue import Catalogue
from corredor.domain.predicates import Labels, Predicate, children
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role, may
from corredor.kernel.errors import InvalidInput
from corredor.services import activity, corridor, sharing
from corredor.services.schemas import CaseStatusOut, ConsentIn, ConsentOut, EventOut
from corredor.sharing.domain.disclosure import RECIPIENT_POLICIES, DisclosableField, Purpose
from corredor.web import labels
from corredor.web.forms import choices, submit_once
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.results import pick
from corredor.web.screener import N_
from corredor.web.session import signed_in_page, who_may

P = Permission
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
# What the consent form offers: what CBP may receive to decide parole, in the policy's order.
CBP_FIELDS = [
    field
    for field in DisclosableField
    if field in RECIPIENT_POLICIES[("CBP", Purpose.PAROLE)].fields
]
DONE = {
    "parole": N_(
        "Your parole application was sent. CBP will look at it and tell you what happens next."
    ),
    "consent": N_("Your consent was recorded."),
    "revoked": N_("Your consent was withdrawn. Nothing more will be shared because of it."),
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
            text=labels.named(labels.EVENTS, event.name, g),
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
        with platform.db.transaction() as s:
            cases = corridor.list_cases(platform, s, who, state=chosen, limit=100)
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
        with platform.db.transaction() as s:
            status = corridor.get_status(s, who, case_id)
            events = corridor.timeline(s, who, case_id)
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
            done=g.gettext(DONE[done]) if done in DONE else None,
        )

    @router.get("/cases/{case_id}/access", response_class=HTMLResponse)
    def who_has_seen(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.CASE_READ)]
    ) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        with platform.db.transaction() as s:
            status = corridor.get_status(s, who, case_id)
            entries = activity.case_activity(s, who, case_id)
        g = page.gettext
        rows = [
            {
                "at": page.fmt.datetime(entry.at),
                "who": g.gettext("You")
                if entry.by_the_person
                else labels.named(labels.ROLES, entry.actor_role, g),
                "agency": labels.named(labels.AGENCIES, entry.actor_agency, g),
                "on_behalf": entry.on_behalf,
                "read": entry.read_personal_data,
                "purpose": labels.named(labels.PURPOSES, entry.purpose, g),
                "legal_basis": entry.legal_basis,
            }
            for entry in entries
        ]
        return page.render(
            "account/access.html",
            title=g.gettext("Who has seen your data"),
            case=status,
            rows=rows,
            reads=sum(1 for entry in entries if entry.read_personal_data),
        )

    _add_consent_pages(router, settings)


def _consent_views(page: Page, consents: list[ConsentOut]) -> list[dict[str, Any]]:
    g = page.gettext
    return [
        {
            "id": consent.id,
            "recipient": labels.named(labels.AGENCIES, consent.recipient, g),
            "fields": [labels.named(labels.FIELDS, f, g) for f in consent.fields],
            "given_at": page.fmt.datetime(consent.given_at),
            "revoked_at": page.fmt.datetime(consent.revoked_at) if consent.revoked_at else None,
        }
        for consent in consents
    ]


def _add_consent_pages(router: APIRouter, settings: WebSettings) -> None:
    def render(
        page: Page,
        case_id: str,
        chosen: list[str],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response:
        platform = platform_of(page.request)
        assert page.who is not None
        with platform.db.transaction() as s:
            status = corridor.get_status(s, page.who, case_id)
            consents = sharing.list_consents(s, page.who, case_id)
        g = page.gettext
        fields = [(str(f), labels.named(labels.FIELDS, f, g)) for f in CBP_FIELDS]
        panel = None
        if page.applicant_lang:
            panel = page.fragment(
                "account/_consent_text.html",
                page.applicant_lang,
                fields=[(str(f), labels.FIELDS[f]) for f in CBP_FIELDS],
            )
        done = page.request.query_params.get("done", "")
        return page.render(
            "account/consents.html",
            status_code=status_code,
            title=(g.gettext("Error") + ": " if errors else "")
            + g.gettext("Sharing your data with CBP"),
            case=status,
            consents=_consent_views(page, consents),
            fields=fields,
            chosen=chosen,
            errors=errors,
            can_revoke=may(page.who.role, P.CONSENT_REVOKE),
            panel=panel,
            applicant_lang=page.applicant_lang,
            done=g.gettext(DONE[done]) if done in DONE else None,
        )

    @router.get("/cases/{case_id}/consents", response_class=HTMLResponse)
    def consents(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.CONSENT_RECORD)]
    ) -> Response:
        return render(signed_in_page(request, settings, who), case_id, [], {})

    @router.post("/cases/{case_id}/consents", response_class=HTMLResponse)
    async def give_consent(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.CONSENT_RECORD)]
    ) -> Response:
        page = signed_in_page(request, settings, who)
        form = await checked_form(request)
        chosen = [f for f in choices(form, "fields") if f in {str(c) for c in CBP_FIELDS}]
        if not chosen:
            errors = {
                "fields": page.gettext.gettext("Choose at least one thing you agree to share")
            }
            return render(page, case_id, chosen, errors, status_code=400)
        body = ConsentIn(fields=[DisclosableField(f) for f in chosen])
        platform = platform_of(request)
        try:
            submit_once(
                platform,
                who,
                form,
                f"case:{case_id}:consent",
                body.model_dump(mode="json"),
                lambda s: sharing.record_consent(platform, s, who, case_id, body),
            )
        except InvalidInput:
            errors = {
                "fields": page.gettext.gettext("Choose at least one thing you agree to share")
            }
            return render(page, case_id, chosen, errors, status_code=400)
        return page.redirect(f"/cases/{case_id}/consents?done=consent")

    @router.post("/consents/{consent_id}/revocation")
    async def withdraw_consent(
        request: Request,
        consent_id: Annotated[str, Path(min_length=1, max_length=36)],
        who: Annotated[Principal, who_may(P.CONSENT_REVOKE)],
    ) -> Response:
        page = signed_in_page(request, settings, who)
        form = await checked_form(request)
        platform = platform_of(request)
        _, answer = submit_once(
            platform,
            who,
            form,
            f"consent:{consent_id}:revoke",
            {},
            lambda s: sharing.revoke_consent(platform, s, who, consent_id),
        )
        return page.redirect(f"/cases/{answer['case_id']}/consents?done=revoked")
