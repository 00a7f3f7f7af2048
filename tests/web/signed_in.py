"""Helpers for the signed-in pages: accounts of every role, and a visitor who signs in through the
sign-in form and fills in forms with the page's own CSRF token."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from corredor.accounts.schemas import UserIn
from corredor.accounts.users import add_user
from corredor.kernel.domain.permissions import Role
from corredor.platform import Platform
from tests.platform.conftest import AGENCY, PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
SUMMARY_LINKS = re.compile(r'<li><a href="#([^"]+)"')


def make_account(platform: Platform, role: Role, name: str = "") -> tuple[str, str]:
    """A new account of the role: (username, user id)."""
    username = f"{name or role.value.replace('_', '-')}-{uuid.uuid4().hex[:8]}"
    with platform.db.transaction() as s:
        user = add_user(
            s, UserIn(username=username, password=PASSWORD, role=role, agency=AGENCY.get(role))
        )
    return username, user.id


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def error_links(html: str) -> list[str]:
    return SUMMARY_LINKS.findall(html)


@dataclass
class Visitor:
    """One browser: its own cookies, signed in as one account."""

    client: TestClient
    username: str = ""
    user_id: str = ""

    def sign_in(self, platform: Platform, role: Role, name: str = "") -> Visitor:
        self.username, self.user_id = make_account(platform, role, name)
        page = self.client.get("/sign-in")
        answer = self.client.post(
            "/sign-in",
            data={
                "csrf_token": csrf_of(page.text),
                "username": self.username,
                "password": PASSWORD,
            },
        )
        assert answer.status_code == 303, answer.text
        return self

    def get(self, url: str, **params: Any) -> Response:
        return self.client.get(url, params=params or None)

    def submit(self, page_url: str, action: str, data: dict[str, Any]) -> Response:
        """Open the page, then send its form with the page's CSRF token and form key."""
        page = self.client.get(page_url)
        assert page.status_code == 200, (page_url, page.status_code)
        fields = {"csrf_token": csrf_of(page.text), **data}
        key = FORM_KEY.search(page.text)
        if key and "form_key" not in data:
            fields["form_key"] = key.group(1)
        return self.client.post(action, data=fields)
