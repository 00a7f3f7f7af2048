"""`corredor tvrh expire-lapsed`: the daily job ends lapsed cards, revokes their documents, and
acts only as an account allowed to."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cases.tables import Grant
from corredor.cli.main import app as cli
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, Databases, build_platform
from tests.platform.journey import ok, walk


@pytest.fixture
def fresh(databases: Databases, database_url: str) -> Iterator[tuple[str, Api]]:
    """A database of its own: the job looks at every case in it."""
    url = databases.new("sqlite" if database_url.startswith("sqlite") else "postgresql")
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield url, Api(client=client, platform=platform)
    platform.db.dispose()


def expire(url: str, acting_as: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["tvrh", "expire-lapsed", "--as", acting_as], env={"CORREDOR_DATABASE_URL": url}
    )
    return result.exit_code, " ".join(result.output.split())


def test_only_lapsed_cards_expire_and_their_documents_are_revoked(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    lapsed = walk(api, "tvrh_issued", applicant="lapsed")["case"]
    current = walk(api, "tvrh_issued", applicant="current")["case"]
    with api.platform.db.transaction() as session:
        session.execute(
            sa.update(Grant)
            .where(Grant.case_id == lapsed, Grant.kind == "tvrh")
            .values(valid_until=date.today() - timedelta(days=1))
        )
        # the current case also holds an earlier card that has lapsed: its latest one counts
        card = session.scalars(
            sa.select(Grant).where(Grant.case_id == current, Grant.kind == "tvrh")
        ).one()
        session.add(
            Grant(
                id=str(uuid.uuid4()),
                case_id=current,
                kind="tvrh",
                number=f"{card.number}-OLD",
                valid_from=card.valid_from - timedelta(days=400),
                valid_until=date.today() - timedelta(days=30),
                details={},
                granted_by=card.granted_by,
                granted_at=card.granted_at,
            )
        )
    code, output = expire(url, api.users["inm"]["username"])
    assert code == 0, output
    assert "1 TVRH expired" in output and lapsed in output and current not in output
    states = {
        case: ok(api.get(f"/cases/{case}", "inm", Role.INM_OFFICER))["state"]
        for case in (lapsed, current)
    }
    assert states == {lapsed: "tvrh_expired", current: "tvrh_issued"}
    documents = ok(api.get(f"/cases/{lapsed}/documents", "inm", Role.INM_OFFICER))
    assert documents and all(document["revoked"] for document in documents)
    assert expire(url, api.users["inm"]["username"])[1].startswith("0 TVRH expired")


def test_the_job_refuses_an_account_that_may_not_expire_cards(fresh: tuple[str, Api]) -> None:
    url, api = fresh
    walk(api, "tvrh_issued")
    code, output = expire(url, api.users["applicant"]["username"])
    assert code == 2
    assert "--as" in output and "may not tvrh:expire" in output
    code, output = expire(url, "nobody-by-this-name")
    assert code == 2
    assert "no account named 'nobody-by-this-name'" in output
