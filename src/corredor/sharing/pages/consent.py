"""The person's consent to share with CBP, as pages: given (by the person, or a caseworker with
the person reading it in their own language) and withdrawn. Each calls the same use case as the
API route of the same purpose, with the signed-in person, so the same permissions and the same
scope (an applicant sees only their own case) apply.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, Role, may
from corredor.kernel.errors import InvalidInput
from corredor.sharing import use_cases
from corredor.sharing.domain.disclosure import CBP_PAROLE_FIELDS, DisclosableField
from corredor.sharing.schemas import ConsentIn, ConsentOut, ConsentRevokeIn
from corredor.web import labels
from corredor.web.forms import choices, command_key
from corredor.web.i18n import N_
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import signed_in_page, who_may

P = Permission
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
WITHDRAW_ON_INSTRUCTION: Final = N_(
    "Tick that the person asked for it, and write what they said, to withdraw their consent"
)
DONE: Final[dict[str, str]] = {
    "consent": N_("Your consent was recorded."),
    "revoked": N_("Your consent was withdrawn. Nothing more will be shared because of it."),
}


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


def add_consent_pages(router: APIRouter, settings: WebSettings) -> None:
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
        fields = [(str(f), labels.named(labels.FIELDS, f, g)) for f in CBP_PAROLE_FIELDS]
        panel = None
        if page.applicant_lang:
            panel = page.fragment(
                "account/_consent_text.html",
                page.applicant_lang,
                fields=[(str(f), labels.FIELDS[f]) for f in CBP_PAROLE_FIELDS],
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
            on_instruction=page.who.role is Role.CASEWORKER,
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
        chosen = [f for f in choices(form, "fields") if f in {str(c) for c in CBP_PAROLE_FIELDS}]
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
        # A caseworker confirms the person asked for it and says why (the use case requires both).
        body = ConsentRevokeIn(
            on_instruction_of_person=form.get("on_instruction_of_person") == "yes",
            reason=str(form.get("reason", "")).strip()[:500] or None,
        )
        command = use_cases.revoke_consent(platform, who, consent_id, body)
        try:
            revoked = run_command(platform, who, command_key(form), command)
        except InvalidInput:
            # a caseworker who did not confirm the person's instruction or give the reason
            errors = {"withdraw": page.gettext.gettext(WITHDRAW_ON_INSTRUCTION)}
            return render(page, str(form.get("case", "")), [], errors, status_code=400)
        return page.redirect(f"/cases/{revoked.case_id}/consents?done=revoked")
