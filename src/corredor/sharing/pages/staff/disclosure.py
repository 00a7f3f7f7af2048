"""The INM desk's disclosure to CBP, as a page: the consented data CBP may receive to decide
parole, chosen from what the person consented to; the same use case as
`POST /api/v1/cases/{id}/disclosures`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput
from corredor.sharing import use_cases
from corredor.sharing.domain.disclosure import CBP_PAROLE_FIELDS, DisclosableField
from corredor.sharing.schemas import DisclosureIn
from corredor.web import labels
from corredor.web.forms import choices, command_key, text
from corredor.web.i18n import N_
from corredor.web.page import Page, WebSettings, checked_form
from corredor.web.session import staff_page, who_may

P = Permission
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
DISCLOSURE_ERRORS: Final[dict[str, str]] = {
    "consent": N_("Choose the consent the disclosure rests on"),
    "fields": N_("Choose the data to disclose: only what the person consented to"),
}


def add_disclosure_pages(router: APIRouter, settings: WebSettings) -> None:
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
        allowed = {str(f) for f in CBP_PAROLE_FIELDS}
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
