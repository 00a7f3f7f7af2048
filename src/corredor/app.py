"""The composition root: the one place that builds the platform and puts every feature's API
routes and pages into one application. Nothing else imports all the features."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date

from fastapi import APIRouter, FastAPI

from corredor import __version__
from corredor.accounts import api as accounts
from corredor.accounts.pages.sign_in import add_account_pages
from corredor.accounts.pages.staff.accounts import add_admin_pages
from corredor.allocation import api as allocation
from corredor.allocation.pages.applicant import add_appointment_pages
from corredor.allocation.pages.results import add_allocation_result_pages
from corredor.allocation.pages.staff.capacity import add_staff_allocation_pages
from corredor.api import errors, health, observability
from corredor.api.input_guard import InputGuard
from corredor.audit_trail import api as audit
from corredor.audit_trail.jobs import checkpoints_while_serving
from corredor.audit_trail.pages.staff.log import add_audit_pages
from corredor.cases import api as cases
from corredor.cases.pages.case import add_case_pages
from corredor.cases.pages.parole import add_parole_pages
from corredor.cases.pages.staff.assist import add_assist_pages
from corredor.cases.pages.staff.cbp import add_cbp_pages
from corredor.cases.pages.staff.desk import add_desk_pages
from corredor.config import Settings
from corredor.documents import api as documents
from corredor.documents.pages.held import add_document_pages
from corredor.documents.pages.staff.checks import add_check_pages
from corredor.documents.verify_pages import add_verify_pages
from corredor.identity import api as identity
from corredor.identity.pages.staff.duplicates import add_duplicate_pages
from corredor.identity.pages.staff.photos import add_photo_pages
from corredor.platform import Platform
from corredor.portal import api as portal
from corredor.portal.pages import add_portal_pages
from corredor.retention import api as retention
from corredor.retention.jobs import retention_while_serving
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.pages.published import add_published_policy_pages
from corredor.screening.pages.screener import add_screener_pages
from corredor.screening.pages.staff.policies import add_policy_pages
from corredor.screening.use_cases.policies import read_catalogue
from corredor.sharing import api as sharing
from corredor.sharing.pages.access import add_access_page
from corredor.sharing.pages.consent import add_consent_pages
from corredor.sharing.pages.staff.disclosure import add_disclosure_pages
from corredor.shelters import api as shelters
from corredor.shelters.pages.staff.occupancy import add_shelter_pages
from corredor.web.app import shell_routers
from corredor.web.page import WebSettings, default_settings
from corredor.web.session import install_page_not_found

PREFIX = "/api/v1"
API_ROUTERS = (
    health.router,
    accounts.router,
    cases.reference_router,
    cases.router,
    identity.router,
    sharing.router,
    cases.referral_router,
    audit.router,
    allocation.router,
    documents.router,
    shelters.router,
    portal.router,
    retention.router,
)


@asynccontextmanager
async def while_serving(app: FastAPI) -> AsyncIterator[None]:
    """The server's own jobs: audit checkpoints, and the daily retention run if enabled."""
    async with checkpoints_while_serving(app), retention_while_serving(app):
        yield


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> FastAPI:
    """An app over a platform; the database must already be migrated (`corredor db upgrade`)."""
    app = FastAPI(
        title="Corredor platform API",
        version=__version__,
        description="The joint INM-CBP corridor: TVRH at the southern border, consented "
        "disclosure, parole in Mexico City, admission and work authorization; and referrals "
        "to every other lawful pathway. Every create or submit takes an Idempotency-Key.",
        lifespan=while_serving,
    )
    app.state.platform = platform or Platform.build(settings or Settings())
    errors.install(app)
    app.add_middleware(InputGuard)
    observability.install(app, app.state.platform)
    for router in API_ROUTERS:
        app.include_router(router, prefix=PREFIX)
    web_settings = default_settings(app.state.platform.settings)
    app.include_router(create_web_router(settings=web_settings))
    install_page_not_found(app, web_settings)
    return app


def create_web_router(
    catalogue: Catalogue | None = None,
    settings: WebSettings | None = None,
    today: Callable[[], date] = date.today,
) -> APIRouter:
    """Every feature's pages in the web shell. `today` decides which policy versions are in
    force (tests pin it)."""
    chosen = settings or default_settings()
    rules = catalogue or read_catalogue()
    public, pages = shell_routers(chosen)
    add_screener_pages(public, rules, chosen, today)
    add_published_policy_pages(public, rules, chosen, today)
    for add in (
        add_account_pages,
        add_case_pages,
        add_access_page,
        add_consent_pages,
        add_parole_pages,
        add_desk_pages,
        add_duplicate_pages,
        add_photo_pages,
        add_disclosure_pages,
        add_cbp_pages,
        add_assist_pages,
        add_policy_pages,
        add_verify_pages,
        add_allocation_result_pages,
        add_document_pages,
        add_appointment_pages,
        add_staff_allocation_pages,
        add_shelter_pages,
        add_portal_pages,
        add_check_pages,
        add_audit_pages,
        add_admin_pages,
    ):
        add(pages, chosen)
    public.include_router(pages)
    return public
