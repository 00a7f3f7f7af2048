"""The signed-in menu: one entry per task, shown to whoever may do it.

A new area adds its pages with `add_entry(NavEntry(...))` when its router is built; the account
page and the header list the entries the signed-in person's role allows. The label is a catalog
msgid (mark it with `N_` so the extractor finds it).
"""

from __future__ import annotations

from dataclasses import dataclass

from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role, may
from corredor.web.i18n import N_


@dataclass(frozen=True)
class NavEntry:
    path: str
    label: str
    permission: Permission  # the permission the page itself declares
    roles: frozenset[Role] | None = None  # narrower than the permission: whose task it is


P, R = Permission, Role
_STAFF = frozenset(set(Role) - {Role.APPLICANT})

NAV: list[NavEntry] = [
    NavEntry("/cases", N_("Your cases"), P.CASE_LIST, frozenset({R.APPLICANT})),
    NavEntry("/desk/register", N_("Register a household"), P.CASE_CREATE),
    NavEntry("/cbp", N_("Parole review queue"), P.DISCLOSURE_READ),
    NavEntry("/assist", N_("Assist a person"), P.CASE_READ, frozenset({R.CASEWORKER})),
    NavEntry("/cases", N_("Cases"), P.CASE_LIST, _STAFF),
    NavEntry("/staff/policies", N_("Policy files in force"), P.REFERENCE_READ, _STAFF),
    NavEntry("/staff/check/travel", N_("Check a travel document"), P.DOCUMENT_VERIFY_TRAVEL),
    NavEntry("/staff/check/work", N_("Check a work authorization"), P.DOCUMENT_VERIFY_WORK),
    NavEntry("/staff/audit", N_("Audit log"), P.AUDIT_READ),
    NavEntry("/staff/accounts", N_("Accounts"), P.USER_LIST),
]

# Where each role lands after signing in: the page of its main task. Roles not listed land on
# their list of tasks (/account).
HOMES: dict[Role, str] = {
    R.AIRLINE_AGENT: "/staff/check/travel",
    R.EMPLOYER: "/staff/check/work",
    R.AUDITOR: "/staff/audit",
    R.ADMIN: "/staff/accounts",
}


def add_entry(entry: NavEntry) -> None:
    if entry not in NAV:
        NAV.append(entry)


def entries_for(who: Principal) -> list[NavEntry]:
    return [
        entry
        for entry in NAV
        if may(who.role, entry.permission) and (entry.roles is None or who.role in entry.roles)
    ]


def home_for(role: Role) -> str:
    return HOMES.get(role, "/account")
