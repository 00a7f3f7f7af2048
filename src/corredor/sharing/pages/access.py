"""Who has seen a person's data, as a page: every audit entry about their case, newest first,
with the actor's role and agency (never an officer's name), and why each was allowed, in plain
words in the person's language. The person's own visits are summed up in one line rather than
listed one by one, so what others did stands out."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.sharing import use_cases
from corredor.sharing.domain.disclosure import CORRIDOR_PAROLE_BASIS
from corredor.web import labels
from corredor.web.i18n import N_
from corredor.web.page import WebSettings
from corredor.web.session import signed_in_page, who_may

P = Permission
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
# The legal bases a disclosure rests on, in plain words (the statute stays cited in them).
PLAIN_BASES: Final = {
    CORRIDOR_PAROLE_BASIS: N_(
        "US law on parole (INA 212(d)(5)(A)) and the joint INM-CBP corridor, because you agreed"
    ),
}
OTHER_BASIS: Final = N_("A law that allows it; ask the agency which one")


def add_access_page(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/cases/{case_id}/access", response_class=HTMLResponse)
    def who_has_seen(
        request: Request, case_id: CaseId, who: Annotated[Principal, who_may(P.CASE_READ)]
    ) -> Response:
        page = signed_in_page(request, settings, who)
        platform = platform_of(request)
        activity = use_cases.case_activity(platform, who, case_id)
        own = [entry for entry in activity.entries if entry.by_the_person]
        entries = [entry for entry in activity.entries if not entry.by_the_person]
        g = page.gettext
        rows = [
            {
                "at": page.fmt.datetime(entry.at),
                "who": labels.named(labels.ROLES, entry.actor_role, g),
                "agency": labels.named(labels.AGENCIES, entry.actor_agency, g),
                "on_behalf": entry.on_behalf,
                "read": entry.read_personal_data,
                "purpose": labels.named(labels.PURPOSES, entry.purpose, g),
                "legal_basis": g.gettext(PLAIN_BASES.get(entry.legal_basis, OTHER_BASIS))
                if entry.legal_basis
                else "",
            }
            for entry in entries
        ]
        return page.render(
            "account/access.html",
            title=g.gettext("Who has seen your data"),
            case_id=activity.case_id,
            rows=rows,
            reads=sum(1 for entry in entries if entry.read_personal_data),
            own_visits=len(own),
            last_own_visit=page.fmt.datetime(own[0].at) if own else "",
        )
