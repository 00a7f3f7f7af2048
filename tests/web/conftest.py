"""A small FastAPI app with only the public pages, as the API app mounts them."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from corredor.app import create_web_router
from corredor.screening.domain.catalogue import Catalogue
from corredor.web.page import WebSettings

TODAY = date(2026, 3, 1)  # the corridor's phase 1 is open, phase 2 is not yet


def web_app(catalogue: Catalogue, secure_cookies: bool = True) -> FastAPI:
    app = FastAPI()
    settings = WebSettings(secret_key="test-secret", secure_cookies=secure_cookies)
    app.include_router(create_web_router(catalogue, settings, today=lambda: TODAY))
    return app


@pytest.fixture
def client(catalogue: Catalogue) -> TestClient:
    # https, because the cookies are Secure and a client does not send them over http
    return TestClient(web_app(catalogue), base_url="https://testserver", follow_redirects=False)


# The signed-in pages run over the platform: reuse its fixtures (SQLite and PostgreSQL).
from tests.platform.conftest import (  # noqa: E402
    database_url,
    databases,
    session_platform,
)

__all__ = ["database_url", "databases", "session_platform", "web_app"]
