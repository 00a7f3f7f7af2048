"""Health tells the truth: live while the process answers, ready only while the database (at the
expected schema) and, when used, Redis answer; a JSON 503 with Retry-After while the database is
down; a one-line error when `corredor` starts on a database it cannot use."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.config import Settings
from corredor.kernel.health import expected_revision
from tests.platform.conftest import Api

NOWHERE = "postgresql+psycopg://corredor:secret-password@127.0.0.1:9/none"  # port 9: discard


def test_live_and_ready_on_a_working_platform(api: Api) -> None:
    assert api.client.get("/api/v1/health/live").json() == {"status": "ok"}
    ready = api.client.get("/api/v1/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert api.client.get("/api/v1/health").json() == ready.json()


def test_with_the_database_down_ready_is_a_503_and_the_api_answers_json_503() -> None:
    with TestClient(create_app(Settings(database_url=NOWHERE))) as client:
        assert client.get("/api/v1/health/live").status_code == 200
        ready = client.get("/api/v1/health/ready")
        assert ready.status_code == 503
        assert ready.headers["retry-after"] == "5"
        assert ready.json()["checks"]["database"].startswith("unreachable")
        signing_in = client.post("/api/v1/auth/token", json={"username": "a", "password": "b"})
        assert signing_in.status_code == 503
        assert signing_in.headers["retry-after"] == "5"
        assert "unavailable" in signing_in.json()["detail"]


def test_a_database_behind_the_code_is_not_ready(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('0001_old')"))
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url))) as client:
        ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 503
    assert expected_revision() in ready.json()["checks"]["database"]
    assert "corredor db upgrade" in ready.json()["checks"]["database"]


def test_an_unreachable_redis_makes_the_instance_not_ready(database_url: str) -> None:
    settings = Settings(database_url=database_url, rate_limit_url="redis://127.0.0.1:9/0")
    with TestClient(create_app(settings)) as client:
        ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["redis"].startswith("unreachable")


def test_starting_on_a_database_it_cannot_reach_is_one_line_without_the_password() -> None:
    answer = CliRunner().invoke(cli, ["db", "upgrade"], env={"CORREDOR_DATABASE_URL": NOWHERE})
    assert answer.exit_code == 2
    assert answer.exception is None or isinstance(answer.exception, SystemExit)
    lines = [line for line in answer.output.splitlines() if line.strip()]
    assert len(lines) == 1, answer.output
    assert "cannot use the database" in lines[0]
    assert "secret-password" not in answer.output
    assert "Traceback" not in answer.output
