"""The demo accounts `corredor serve --demo` creates, which the home page then lists."""

from __future__ import annotations

from typing import Final

from corredor.kernel.domain.permissions import Agency, Role

DEMO_PASSWORD: Final = "corredor-demo"
DEMO_USERS: Final[list[tuple[str, Role, Agency | None]]] = [
    ("marie", Role.APPLICANT, None),
    ("inm.hidalgo", Role.INM_OFFICER, Agency.INM),
    ("cbp.cdmx", Role.CBP_OFFICER, Agency.CBP),
    ("acnur.cdmx", Role.CASEWORKER, Agency.UNHCR),
    ("oim.cdmx", Role.CASEWORKER, Agency.IOM),
    ("albergue.tapachula", Role.SHELTER_STAFF, Agency.SHELTER),
    ("aerolinea.mex", Role.AIRLINE_AGENT, None),
    ("empleador.miami", Role.EMPLOYER, None),
    ("auditor", Role.AUDITOR, None),
    ("admin", Role.ADMIN, None),
]
