"""Sharing as pages: the person's consent given and withdrawn, who has seen their data, and the
INM desk's disclosure to CBP of what was consented. Each page calls the same use case as the API
route of the same purpose (the consent, the disclosure), with the signed-in person, so the same
permissions and the same scope (an applicant sees only their own case) apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, may
from corredor.kernel.errors import InvalidInput
from corredor.sharing import use_cases
from corredor.sharing.domain.disclosure import RECIPIENT_POLICIES, DisclosableField, Purpose
from corredor.sharing.schemas import ConsentIn, ConsentOut, DisclosureIn
from corredor.web import labels
from corredor.web.forms import choices, command_key, text
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.screener import N_
from corredor.web.session import signed_in_page, staff_page, who_may

P = Permission
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
# What the consent form offers: what CBP may receive to decide parole, in the policy's order.
CBP_FIELDS = [
    field
    for field in DisclosableField
    if field in RECIPIENT_POLICIES[("CBP", Purpose.PAROLE)].fields
]
DONE: Final[dict[str, str]] = {
    "consent": N_("Your consent was recorded."),
    "revoked": N_("Your consent was withdrawn. Nothing more will be shared because of it."),
}
DISCLOSURE_ERRORS: Final[dict[str, str]] = {
    "consent": N_("Choose the consent the disclosure rests on"),
    "fields": N_("Choose the data to disclose: only what the person consented to"),
}


def add_sharing_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/cases/{case_id}/access", response_class=HTMLResponse)
    def who_has_seen(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.CASE_READ)]
    ) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        activity = use_cases.case_activity(platform, who, case_id)
        entries = activity.entries
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
            case_id=activity.case_id,
            rows=rows,
            reads=sum(1 for entry in entries if entry.read_personal_data),
        )

    _add_consent_pages(router, settings)
    _add_disclosure_pages(router, settings)


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
        shared = use_cases.case_consents(platform, page.who, case_id)
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
            case_id=shared.case_id,
            consents=_consent_views(page, shared.consents),
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
            command = use_cases.record_consent(platform, who, case_id, body)
            run_command(platform, who, command_key(form), command)
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
        command = use_cases.revoke_consent(platform, who, consent_id)
        revoked = run_command(platform, who, command_key(form), command)
        return page.redirect(f"/cases/{revoked.case_id}/consents?done=revoked")


def _add_disclosure_pages(router: APIRouter, settings: WebSettings) -> None:
    def render(
        page: Page,
        case_id: str,
        values: Mapping[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response:
        platform = platform_of(page.request)
        assert page.who is not None
        shared = use_cases.case_consents(platform, page.who, case_id)
        g = page.gettext
        allowed = {str(f) for f in CBP_FIELDS}
        active = [
            {
                "id": c.id,
                "given_at": page.fmt.datetime(c.given_at),
                "fields": [
                    (f, labels.named(labels.FIELDS, f, g)) for f in c.fields if f in allowed
                ],
            }
            for c in shared.consents
            if c.revoked_at is None and c.recipient == "CBP"
        ]
        return page.render(
            "staff/disclosure.html",
            status_code=status_code,
            title=(g.gettext("Error") + ": " if errors else "") + g.gettext("Disclose to CBP"),
            case_id=shared.case_id,
            consents=active,
            disclosures=shared.disclosures_in_force,
            values=values,
            errors={field: g.gettext(DISCLOSURE_ERRORS[key]) for field, key in errors.items()},
        )

    @router.get("/desk/cases/{case_id}/disclosure", response_class=HTMLResponse)
    def disclosure_form(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.DISCLOSURE_CREATE)]
    ) -> Response:
        return render(staff_page(request, settings, who), case_id, {}, {})

    @router.post("/desk/cases/{case_id}/disclosure", response_class=HTMLResponse)
    async def disclose(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.DISCLOSURE_CREATE)]
    ) -> Response:
        page = staff_page(request, settings, who)
        form = await checked_form(request)
        consent_id = text(form, "consent")
        chosen = [f for f in choices(form, "fields") if f in {str(x) for x in DisclosableField}]
        errors = {}
        if not consent_id:
            errors["consent"] = "consent"
        if not chosen:
            errors["fields"] = "fields"
        if errors:
            return render(page, case_id, form, errors, status_code=400)
        body = DisclosureIn(consent_id=consent_id, fields=[DisclosableField(f) for f in chosen])
        platform = platform_of(request)
        try:
            command = use_cases.create_disclosure(platform, who, case_id, body)
            run_command(platform, who, command_key(form), command)
        except InvalidInput as error:
            key = "consent" if error.field == "consent_id" else "fields"
            return render(page, case_id, form, {key: key}, status_code=400)
        return page.redirect(f"/cases/{case_id}?done=disclosed")
