"""Fixtures for the platform: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is reached at CORREDOR_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
each test session creates its own uniquely named database there and drops it at the end, so
runs never collide. If PostgreSQL is unreachable the tests fail: CI starts it (.ci/run).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from corredor.accounts.schemas import UserIn
from corredor.accounts.users import add_user
from corredor.app import create_app
from corredor.config import Settings
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.engine import upgrade
from corredor.platform import Platform

POSTGRES = os.environ.get(
    "CORREDOR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]
CHECKPOINTS = Path(tempfile.gettempdir()) / f"corredor-test-checkpoints-{os.getpid()}"
PASSWORD = "correct horse battery"
AGENCY = {
    Role.INM_OFFICER: Agency.INM,
    Role.CBP_OFFICER: Agency.CBP,
    Role.CASEWORKER: Agency.UNHCR,
    Role.SHELTER_STAFF: Agency.SHELTER,
}


class Databases:
    """Creates migrated databases of either backend and drops them at the end."""

    def __init__(self, directory: Any) -> None:
        self._directory = directory
        self._created: list[str] = []
        self._admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")

    def new(self, backend: str) -> str:
        name = f"corredor_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            url = f"sqlite:///{self._directory / name}.db"
        else:
            with self._admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            self._created.append(name)
            url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        return url

    def drop_all(self) -> None:
        with self._admin.connect() as connection:
            for name in self._created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("db"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, databases: Databases) -> str:
    """One migrated database per backend, shared by the tests of a session."""
    return databases.new(request.param)


def checkpoint_dir(url: str) -> Path:
    """Each test database keeps its audit checkpoints apart, as each deployment does."""
    name = Path(make_url(url).database or "memory").stem
    return CHECKPOINTS / name


def build_platform(url: str) -> Platform:
    return Platform.build(Settings(database_url=url, audit_checkpoint_dir=checkpoint_dir(url)))


@dataclass
class Api:
    """A test client that signs in as any role and sends an Idempotency-Key on every POST."""

    client: TestClient
    platform: Platform
    users: dict[str, dict[str, str]] = field(default_factory=dict)

    def user(self, name: str, role: Role) -> dict[str, str]:
        if name not in self.users:
            username = f"{name}-{uuid.uuid4().hex[:8]}"
            with self.platform.db.transaction() as s:
                row = add_user(
                    s,
                    UserIn(
                        username=username, password=PASSWORD, role=role, agency=AGENCY.get(role)
                    ),
                )
            answer = self.client.post(
                "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
            )
            assert answer.status_code == 200, answer.text
            self.users[name] = {
                "id": row.id,
                "token": answer.json()["access_token"],
                "username": username,
            }
        return self.users[name]

    def headers(self, name: str, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.user(name, role)['token']}"}

    def get(self, path: str, name: str, role: Role, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers(name, role), params=params)

    def post(
        self, path: str, name: str, role: Role, json: Any = None, key: str | None = None
    ) -> Any:
        headers = self.headers(name, role) | {"Idempotency-Key": key or uuid.uuid4().hex}
        return self.client.post(f"/api/v1{path}", headers=headers, json=json)


@pytest.fixture(scope="session")
def session_platform(database_url: str) -> Platform:
    return build_platform(database_url)


@pytest.fixture
def api(session_platform: Platform) -> Iterator[Api]:
    session_platform.today = date.today
    with TestClient(create_app(platform=session_platform)) as client:
        yield Api(client=client, platform=session_platform)
    session_platform.today = date.today


def household(**changes: Any) -> dict[str, Any]:
    """A Haitian mother with a 4-year-old and a 9-year-old, asking for asylum in Mexico."""
    today = date.today()
    suffix = uuid.uuid4().hex[:8].upper()
    body: dict[str, Any] = {
        "border_point_id": "mx-chp-ciudad-hidalgo",
        "ground": "tvrh.ground.asylum-seeker",
        "principal": {
            "name": "Marie-Claude Joseph",
            "birth_date": "1992-04-11",
            "nationality": "HT",
            "document_number": f"HT-P{suffix}",
        },
        "members": [
            {
                "name": "Wesley Joseph",
                "birth_date": today.replace(year=today.year - 4, day=1).isoformat(),
                "nationality": "HT",
                "relation": "child",
            },
            {
                "name": "Nadège Joseph",
                "birth_date": today.replace(year=today.year - 9, day=1).isoformat(),
                "nationality": "HT",
                "relation": "child",
            },
        ],
        "documents": ["passport"],
    }
    body.update(changes)
    return body
