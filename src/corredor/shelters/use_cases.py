"""What the API, the pages and the CLI do with shelters: each use case opens its own unit of
work and returns typed output.

Anyone may list the shelters with their free places. Shelter staff record and read the daily
occupancy of the shelters they staff, and only those: another shelter is refused (403), an
unknown one is not found (404). Every report is a new revision kept with the others, and is
written to the audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from corredor.accounts.users import principal_named
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Forbidden, InvalidInput, NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.shelters.domain.illustrative import ILLUSTRATIVE_SHELTERS
from corredor.shelters.domain.occupancy import (
    COUNTS,
    FieldProblem,
    Occupancy,
    free_places,
    problems,
)
from corredor.shelters.domain.registry import Access, Operator, Service, Shelter, zone_of
from corredor.shelters.schemas import OccupancyIn, OccupancyOut, ShelterOut
from corredor.shelters.tables import OccupancyRow, ShelterRow, ShelterStaffRow

OPERATOR = audit.Actor(user_id=None, role="operator")  # the command line, run by an operator
HISTORY_DAYS: Final = 31
# A report may be for today or a past day (entered late on a weak connection), not the future.
LATE_DAYS: Final = 31


class OccupancyRejected(InvalidInput):
    """A report that breaks the rules: every problem, each named by its field."""

    def __init__(self, found: list[FieldProblem]) -> None:
        super().__init__(found[0].field, "; ".join(f"{p.field}: {p.problem}" for p in found))
        self.problems = found


# ---- the registry ----


def shelter_of(row: ShelterRow) -> Shelter:
    return Shelter(
        id=row.id,
        name=row.name,
        operator=Operator(row.operator),
        region=row.region,
        municipality=row.municipality,
        latitude=row.latitude,
        longitude=row.longitude,
        services=frozenset(Service(s) for s in row.services),
        accessibility=frozenset(Access(a) for a in row.accessibility),
        contact=row.contact,
        day_capacity=row.day_capacity,
        night_capacity=row.night_capacity,
        illustrative=row.illustrative,
    )


def _latest_reports(session: Session) -> dict[str, OccupancyRow]:
    """Each shelter's latest report: its last day, that day's last revision."""
    last_day = (
        select(OccupancyRow.shelter_id, func.max(OccupancyRow.day).label("day"))
        .group_by(OccupancyRow.shelter_id)
        .subquery()
    )
    rows = session.execute(
        select(OccupancyRow)
        .join(
            last_day,
            (last_day.c.shelter_id == OccupancyRow.shelter_id)
            & (last_day.c.day == OccupancyRow.day),
        )
        .order_by(OccupancyRow.revision)
    ).scalars()
    return {row.shelter_id: row for row in rows}  # the last revision wins


def _out(row: ShelterRow, latest: OccupancyRow | None) -> ShelterOut:
    return ShelterOut(
        id=row.id,
        name=row.name,
        operator=Operator(row.operator),
        region=row.region,
        municipality=row.municipality,
        zone=zone_of(row.region),
        latitude=row.latitude,
        longitude=row.longitude,
        services=sorted(Service(s) for s in row.services),
        accessibility=sorted(Access(a) for a in row.accessibility),
        contact=row.contact,
        day_capacity=row.day_capacity,
        night_capacity=row.night_capacity,
        free_places=latest.free_places if latest else None,
        reported_on=latest.day if latest else None,
        illustrative=row.illustrative,
    )


def list_shelters(p: Platform) -> list[ShelterOut]:
    """Every shelter with its free places from its latest report (public)."""
    with unit_of_work(p) as s:
        latest = _latest_reports(s)
        rows = s.execute(select(ShelterRow).order_by(ShelterRow.region, ShelterRow.name)).scalars()
        return [_out(row, latest.get(row.id)) for row in rows]


def my_shelters(p: Platform, who: Principal) -> list[ShelterOut]:
    """The shelters the caller records occupancy for."""
    who.require(Permission.SHELTER_OCCUPANCY_READ)
    with unit_of_work(p) as s:
        latest = _latest_reports(s)
        rows = s.execute(
            select(ShelterRow)
            .join(ShelterStaffRow, ShelterStaffRow.shelter_id == ShelterRow.id)
            .where(ShelterStaffRow.user_id == who.user_id)
            .order_by(ShelterRow.name)
        ).scalars()
        return [_out(row, latest.get(row.id)) for row in rows]


def seed_registry(p: Platform, shelters: tuple[Shelter, ...] = ILLUSTRATIVE_SHELTERS) -> int:
    """Add the shelters the registry lacks (an existing one is left as it is); says how many."""
    with unit_of_work(p) as s:
        known = set(s.execute(select(ShelterRow.id)).scalars())
        added = [shelter for shelter in shelters if shelter.id not in known]
        for shelter in added:
            s.add(
                ShelterRow(
                    id=shelter.id,
                    name=shelter.name,
                    operator=shelter.operator.value,
                    region=shelter.region,
                    municipality=shelter.municipality,
                    latitude=shelter.latitude,
                    longitude=shelter.longitude,
                    services=sorted(shelter.services),
                    accessibility=sorted(shelter.accessibility),
                    contact=shelter.contact,
                    day_capacity=shelter.day_capacity,
                    night_capacity=shelter.night_capacity,
                    illustrative=shelter.illustrative,
                    created_at=p.now(),
                )
            )
        return len(added)


def assign_staff(p: Platform, shelter_id: str, username: str) -> bool:
    """Let a shelter-staff account record for a shelter (audited); False if it already could."""
    with unit_of_work(p) as s:
        if s.get(ShelterRow, shelter_id) is None:
            raise NotFound(f"no shelter {shelter_id}")
        staff = principal_named(s, username)
        if staff.role is not Role.SHELTER_STAFF:
            raise InvalidInput("username", f"{username} is a {staff.role}, not shelter staff")
        if s.get(ShelterStaffRow, (shelter_id, staff.user_id)) is not None:
            return False
        s.add(ShelterStaffRow(shelter_id=shelter_id, user_id=staff.user_id, assigned_at=p.now()))
        audit.append(
            s,
            OPERATOR,
            AuditTag.SHELTER_ASSIGN_STAFF,
            detail={"shelter": shelter_id, "user": staff.user_id},
            at=p.now(),
        )
        return True


# ---- daily occupancy, by the shelter's own staff ----


def _own_shelter(s: Session, who: Principal, shelter_id: str, permission: Permission) -> ShelterRow:
    who.require(permission)
    shelter = s.get(ShelterRow, shelter_id)
    if shelter is None:
        raise NotFound(f"no shelter {shelter_id}")
    if s.get(ShelterStaffRow, (shelter_id, who.user_id)) is None:
        raise Forbidden(f"{who.username} does not staff {shelter_id}")
    return shelter


def _occupancy_out(row: OccupancyRow) -> OccupancyOut:
    return OccupancyOut(
        shelter_id=row.shelter_id,
        day=row.day,
        revision=row.revision,
        free_places=row.free_places,
        capacity=row.capacity,
        over_capacity=row.present > row.capacity,
        note=row.note,
        recorded_by=row.recorded_by,
        recorded_at=audit.as_utc(row.recorded_at),
        **{field: getattr(row, field) for field in COUNTS},
    )


def _record(
    p: Platform, s: Session, who: Principal, shelter_id: str, body: OccupancyIn
) -> OccupancyOut:
    shelter = _own_shelter(s, who, shelter_id, Permission.SHELTER_OCCUPANCY_RECORD)
    today = p.today()
    day = body.day or today
    if day > today or day < today - timedelta(days=LATE_DAYS):
        raise InvalidInput("day", f"a report is for today or one of the {LATE_DAYS} days before")
    found = problems(body, shelter.night_capacity)
    if found:
        raise OccupancyRejected(found)
    revision = 1 + (
        s.scalar(
            select(func.max(OccupancyRow.revision)).where(
                OccupancyRow.shelter_id == shelter_id, OccupancyRow.day == day
            )
        )
        or 0
    )
    note = (body.note or "").strip() or None
    row = OccupancyRow(
        shelter_id=shelter_id,
        day=day,
        revision=revision,
        free_places=free_places(shelter.night_capacity, body.present),
        capacity=shelter.night_capacity,
        note=note,
        recorded_by=who.user_id,
        recorded_at=p.now(),
        **{field: body.count(field) for field in COUNTS},
    )
    s.add(row)
    s.flush()
    audit.append(
        s,
        audit.Actor(user_id=who.user_id, role=str(who.role)),
        AuditTag.SHELTER_RECORD_OCCUPANCY,
        detail={
            "shelter": shelter_id,
            "day": day.isoformat(),
            "revision": revision,
            "present": body.present,
            "over_capacity": body.present > shelter.night_capacity,
        },
        at=p.now(),
    )
    return _occupancy_out(row)


def record_occupancy(
    p: Platform, who: Principal, shelter_id: str, body: OccupancyIn
) -> Command[OccupancyOut]:
    """Record a day's occupancy for one's own shelter; a second report of a day is a correction
    kept beside the first."""
    return Command(
        operation=f"shelter:{shelter_id}:occupancy",
        payload=body.model_dump(mode="json"),
        output=OccupancyOut,
        run=lambda s: _record(p, s, who, shelter_id, body),
    )


def occupancy_history(
    p: Platform, who: Principal, shelter_id: str, days: int = HISTORY_DAYS
) -> list[OccupancyOut]:
    """Every revision of the last `days` days at one's own shelter, newest first."""
    with unit_of_work(p) as s:
        _own_shelter(s, who, shelter_id, Permission.SHELTER_OCCUPANCY_READ)
        since = p.today() - timedelta(days=days - 1)
        rows = s.execute(
            select(OccupancyRow)
            .where(OccupancyRow.shelter_id == shelter_id, OccupancyRow.day >= since)
            .order_by(OccupancyRow.day.desc(), OccupancyRow.revision.desc())
        ).scalars()
        return [_occupancy_out(row) for row in rows]


def staffed_shelter(p: Platform, who: Principal, shelter_id: str) -> Shelter:
    """One shelter the caller staffs, as the registry holds it (what the form shows)."""
    with unit_of_work(p) as s:
        return shelter_of(_own_shelter(s, who, shelter_id, Permission.SHELTER_OCCUPANCY_READ))


def import_history(p: Platform, reports: Iterable[tuple[str, date, Occupancy]]) -> int:
    """Load past reports in bulk (the demo's history, a registry's archive), by the operator:
    each report keeps the same rules, and the import is one audit entry; says how many."""
    with unit_of_work(p) as s:
        shelters = {row.id: row for row in s.execute(select(ShelterRow)).scalars()}
        rows: list[dict[str, object]] = []
        for shelter_id, day, report in reports:
            shelter = shelters.get(shelter_id)
            if shelter is None:
                raise NotFound(f"no shelter {shelter_id}")
            found = problems(report, shelter.night_capacity)
            if found:
                raise OccupancyRejected(found)
            rows.append(
                {
                    "shelter_id": shelter_id,
                    "day": day,
                    "revision": 1,
                    "free_places": free_places(shelter.night_capacity, report.present),
                    "capacity": shelter.night_capacity,
                    "note": report.note,
                    "recorded_by": None,
                    "recorded_at": p.now(),
                    **{field: report.count(field) for field in COUNTS},
                }
            )
        if rows:
            s.execute(insert(OccupancyRow), rows)
        audit.append(
            s,
            OPERATOR,
            AuditTag.SHELTER_IMPORT_OCCUPANCY,
            detail={"reports": len(rows)},
            at=p.now(),
        )
        return len(rows)


def reports_held(p: Platform) -> int:
    """How many occupancy reports the registry holds (a demo restart adds none if any)."""
    with unit_of_work(p) as s:
        return s.scalar(select(func.count()).select_from(OccupancyRow)) or 0
