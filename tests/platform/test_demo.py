"""`corredor serve --demo`: demo accounts, one sample case, an open request window, a drawn one,
the shelters with four months of occupancy and the screener's use, and a restart adds
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from corredor.accounts.tables import User
from corredor.accounts.users import principal_named
from corredor.allocation.tables import AllocationRun, AllocationWindow, CapacityDay
from corredor.cases.tables import Case
from corredor.demo import walk
from corredor.demo.seed import HISTORY_DAYS, prepare_demo, seed_demo_users
from corredor.identity import use_cases as identity
from corredor.identity.tables import PersonPhoto
from corredor.kernel.auth import Principal
from corredor.kernel.engine import upgrade
from corredor.kernel.tables import AuditEntry
from corredor.platform import Platform
from corredor.screening.tables import ScreenerUse
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS
from corredor.shelters.tables import OccupancyRow
from corredor.web.demo import DEMO_USERS
from tests.platform.conftest import build_platform


def test_the_demo_is_seeded_once_however_often_the_server_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    platform = build_platform(url)
    # the demo is seeded in-process through the use cases: no server is started to seed it
    monkeypatch.setattr(walk, "running", refuse_to_start)
    for _ in range(2):  # a first start, then a restart
        prepare_demo(platform)
        with platform.db.transaction() as session:
            cases = session.scalar(select(func.count()).select_from(Case))
            names = set(session.scalars(select(User.username)))
            windows = list(session.scalars(select(AllocationWindow)))
            seats = session.scalar(select(func.sum(CapacityDay.seats)))
            drawn = session.scalars(select(AllocationRun.assigned_requests)).all()
            screenings = session.scalar(select(func.sum(ScreenerUse.count)))
            reports = session.scalar(select(func.count()).select_from(OccupancyRow))
        assert cases == 1 + 45  # the sample case, and the households of the past draw
        # the open window, and one drawn three weeks ago for the portal's charts
        assert sorted(window.state for window in windows) == ["allocated", "open"]
        assert seats == 14 * 40 + 30
        assert len(drawn) == 1
        assert 0 < drawn[0] <= 30
        assert screenings is not None
        assert screenings > 1000
        assert {name for name, _, _ in DEMO_USERS} <= names
        assert reports == HISTORY_DAYS * len(ILLUSTRATIVE_SHELTERS)
    with platform.db.transaction() as session:
        # the sample case, the one an applicant account follows
        case = session.scalars(select(Case).where(Case.applicant_user_id.is_not(None))).one()
    assert case.state == "parole_requested"
    # Marie-Claude's photo, taken with her consent by the demo INM officer before her card
    marie = principal_named_outside(platform, "marie")
    printed = identity.photo_of(platform, marie, case.id, 0)
    assert printed.startswith(b"\xff\xd8")  # a JPEG
    with platform.db.transaction() as session:
        inm = session.scalars(select(User).where(User.username == "inm.hidalgo")).one()
        photo = session.scalars(select(PersonPhoto)).one()
        assert photo.consent_by == inm.id
        issued = session.scalar(
            select(func.min(AuditEntry.seq)).where(AuditEntry.action == "platform:case:issue_tvrh")
        )
        taken = session.scalar(
            select(AuditEntry.seq).where(AuditEntry.action == "platform:person:photo_capture")
        )
    assert taken is not None and issued is not None and taken < issued


def principal_named_outside(platform: Platform, username: str) -> Principal:
    with platform.db.transaction() as session:
        return principal_named(session, username)


def refuse_to_start(*_: object) -> None:
    raise AssertionError("the demo is seeded in-process: no server may be started for it")


def test_corredor_demo_walks_the_family_to_work_authorization_over_http(tmp_path: Path) -> None:
    """What `corredor demo` does on a fresh database: every step through the real HTTP API,
    the UNHCR caseworker acting only once Marie has given them her case."""
    url = f"sqlite:///{tmp_path / 'walk.db'}"
    upgrade(url)
    platform = build_platform(url)
    seed_demo_users(platform)
    with walk.running(platform, "127.0.0.1", walk.free_port("127.0.0.1")) as base:
        case_id = walk.walk_family(base, quiet=True)
    with platform.db.transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.state == "work_authorized"
        photos = session.scalar(select(func.count()).select_from(PersonPhoto))
    assert photos == 1  # Marie-Claude, photographed with consent before her card
