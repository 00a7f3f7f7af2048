"""The auditor's home (Spanish and English): the audit log narrowed by day, tag, role and case,
newest first, a page at a time, with the chain's verification and the latest signed checkpoint.

The same use cases as GET /api/v1/audit, /audit/verification and /audit/checkpoints, under the
same permissions. Entries carry no personal data; the page shows the tag, the role, the case's
reference and the hash, never the actor's account id (the auditor asks for it when needed).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from corredor.api.security import platform_of
from corredor.audit_trail import use_cases
from corredor.audit_trail.schemas import AuditFilter
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role, may
from corredor.kernel.errors import InvalidInput
from corredor.web import labels
from corredor.web.i18n import N_
from corredor.web.labels import ROLES, named
from corredor.web.page import WebSettings
from corredor.web.session import staff_page, who_may

FIELDS: Final = ("since", "until", "action", "actor_role", "case")
MAX_ACTION, MIN_CASE, MAX_CASE = 80, 4, 36  # as `AuditFilter` bounds them
PROBLEMS: Final[dict[str, str]] = {
    "since": N_("Enter the first day as a date, for example 2026-12-01"),
    "until": N_("Enter the last day as a date, on or after the first day"),
    "action": N_("Enter at most 80 characters of the action"),
    "actor_role": N_("Choose a role from the list"),
    "case": N_("Enter at least 4 characters of the case reference"),
}


def add_audit_pages(router: APIRouter, settings: WebSettings) -> None:
    @router.get("/staff/audit", response_class=HTMLResponse)
    def audit_log(
        request: Request, who: Annotated[Principal, who_may(Permission.AUDIT_READ)]
    ) -> Response:
        page = staff_page(request, settings, who)
        g = page.gettext
        platform = platform_of(request)
        values = {name: request.query_params.get(name, "").strip() for name in FIELDS}
        errors: dict[str, str] = {}
        days: dict[str, date | None] = {}
        for name in ("since", "until"):
            try:
                days[name] = date.fromisoformat(values[name]) if values[name] else None
            except ValueError:
                errors[name] = g.gettext(PROBLEMS[name])
        if values["actor_role"] and values["actor_role"] not in set(Role):
            errors["actor_role"] = labels.named(PROBLEMS, "actor_role", g)
        if len(values["action"]) > MAX_ACTION:
            errors["action"] = labels.named(PROBLEMS, "action", g)
        if values["case"] and not MIN_CASE <= len(values["case"]) <= MAX_CASE:
            errors["case"] = labels.named(PROBLEMS, "case", g)
        number = request.query_params.get("page", "1")
        chosen = AuditFilter(
            page=int(number) if number.isdigit() and 0 < int(number) <= 10**5 else 1
        )
        if not errors:
            chosen = AuditFilter(
                since=days["since"],
                until=days["until"],
                action=values["action"] or None,
                actor_role=values["actor_role"] or None,
                case=values["case"] or None,
                page=chosen.page,
            )
        found = None
        if not errors:
            try:
                found = use_cases.search_entries(platform, who, chosen)
            except InvalidInput as problem:
                errors[problem.field] = g.gettext(PROBLEMS[problem.field])
        verification = (
            use_cases.verify_audit(platform, who)
            if may(who.role, Permission.AUDIT_VERIFY)
            else None
        )
        checkpoints = (
            use_cases.checkpoints(platform, who).checkpoints
            if may(who.role, Permission.AUDIT_VERIFY)
            else []
        )
        kept = {name: value for name, value in values.items() if value}
        _ = g.gettext
        return page.render(
            "staff/audit_log.html",
            status_code=400 if errors else 200,
            title=(_("Error") + ": " if errors else "") + _("Audit log"),
            errors=errors,
            values=values,
            roles=[(role.value, named(ROLES, role.value, g)) for role in Role],
            role_name=lambda code: named(ROLES, code, g) if code else "",
            found=found,
            at=page.fmt.datetime,
            previous=urlencode({**kept, "page": chosen.page - 1}) if chosen.page > 1 else None,
            following=urlencode({**kept, "page": chosen.page + 1})
            if found and found.more
            else None,
            verification=verification,
            latest=checkpoints[-1] if checkpoints else None,
        )
