"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from corredor import __version__
from corredor.accounts import api as accounts
from corredor.allocation import api as allocation
from corredor.api import errors, health, observability
from corredor.api.input_guard import InputGuard
from corredor.audit_trail import api as audit
from corredor.audit_trail.jobs import checkpoints_while_serving
from corredor.cases import api as cases
from corredor.config import Settings
from corredor.documents import api as documents
from corredor.portal import api as portal
from corredor.services.platform import Platform
from corredor.sharing import api as sharing
from corredor.shelters import api as shelters
from corredor.web.app import create_web_router
from corredor.web.page import default_settings
from corredor.web.session import install_page_not_found

PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> FastAPI:
    """An app over a platform; the database must already be migrated (`corredor db upgrade`)."""
    app = FastAPI(
        title="Corredor platform API",
        version=__version__,
        description="The joint INM-CBP corridor: TVRH at the southern border, consented "
        "disclosure, parole in Mexico City, admission and work authorization; and referrals "
        "to every other lawful pathway. Every create or submit takes an Idempotency-Key.",
        lifespan=checkpoints_while_serving,
    )
    app.state.platform = platform or Platform.build(settings or Settings())
    errors.install(app)
    app.add_middleware(InputGuard)
    observability.install(app, app.state.platform)
    for router in (
        health.router,
        accounts.router,
        cases.reference_router,
        cases.router,
        sharing.router,
        cases.referral_router,
        audit.router,
        allocation.router,
        documents.router,
        shelters.router,
        portal.router,
    ):
        app.include_router(router, prefix=PREFIX)
    web_settings = default_settings(app.state.platform.settings)
    app.include_router(create_web_router(settings=web_settings))  # the pages
    install_page_not_found(app, web_settings)
    return app
