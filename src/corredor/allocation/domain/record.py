"""The run record: what is published about an allocation run, and how a re-run is compared.

A record names the rule version and parameters, the committed seed hash and (after the window
closes) the revealed seed, digests of the inputs and of the result, and counts per tier. It holds
no names and no request ids, so it can be published as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from corredor.allocation.domain.rule import AllocationRule, Assignment, Request, SiteDay

# One line per assigned request, in request-id order: the canonical form of a result.
AssignmentRow = tuple[str, str, str, str, int]  # request_id, site, day (ISO), pool, seats


class TierCountRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    site: str
    tier: str
    requests: int
    people: int
    assigned_requests: int
    assigned_people: int
    waitlisted_requests: int


class RunRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str = Field(min_length=1)
    created_at: datetime
    rule: AllocationRule
    run_date: date
    policy: str | None = Field(default=None, description="policy id@version the cohorts come from")
    cohorts_open: list[str] | None = None
    seed_commitment: str = Field(pattern=r"^[0-9a-f]{64}$")
    seed: str | None = Field(default=None, description="hex; revealed after the window closes")
    requests_file: str
    requests_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    capacity_file: str
    capacity_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    results_file: str
    results_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    assigned_requests: int
    counts: list[TierCountRecord]
    set_aside: dict[str, int] = {}


def assignment_row(assignment: Assignment) -> AssignmentRow:
    return (
        assignment.request_id,
        assignment.site,
        assignment.day.isoformat(),
        assignment.pool,
        assignment.seats,
    )


def results_digest(rows: Iterable[AssignmentRow]) -> str:
    """SHA-256 over the tab-separated rows sorted by request id, one per line."""
    digest = hashlib.sha256()
    for row in sorted(rows, key=lambda r: r[0].encode("utf-8")):
        digest.update("\t".join(str(part) for part in row).encode("utf-8") + b"\n")
    return digest.hexdigest()


def first_mismatch(
    published: Mapping[str, AssignmentRow], rerun: Mapping[str, AssignmentRow]
) -> str | None:
    """The first request (in id order) whose seat differs between two results, explained."""
    for request_id in sorted(published.keys() | rerun.keys(), key=lambda r: r.encode("utf-8")):
        before, after = published.get(request_id), rerun.get(request_id)
        if before != after:
            published_seat, rerun_seat = _describe(before), _describe(after)
            return f"request {request_id}: published {published_seat}, re-run gives {rerun_seat}"
    return None


def _describe(row: AssignmentRow | None) -> str:
    if row is None:
        return "no seat"
    _, site, day, pool, seats = row
    return f"{seats} seat(s) at {site} on {day} ({pool})"


def inputs_digest(requests: Iterable[Request]) -> str:
    """SHA-256 over the requests as drawn, one canonical line each, in request-id order."""
    digest = hashlib.sha256()
    for r in sorted(requests, key=lambda request: request.id.encode("utf-8")):
        line = [r.id, r.site, ";".join(sorted(r.people)), r.waiting_since.isoformat()]
        line += [r.cohort or "", "urgent" if r.urgent else ""]
        digest.update("\t".join(line).encode("utf-8") + b"\n")
    return digest.hexdigest()


def capacity_json(capacity: Iterable[SiteDay]) -> list[dict[str, Any]]:
    """A run's capacity as stored with it, so the run can be re-run later."""
    return [
        {"site": c.site, "day": c.day.isoformat(), "seats": c.seats, "quotas": dict(c.quotas)}
        for c in capacity
    ]


def capacity_from_json(rows: Iterable[Mapping[str, Any]]) -> list[SiteDay]:
    return [
        SiteDay(
            row["site"], date.fromisoformat(row["day"]), row["seats"], tuple(row["quotas"].items())
        )
        for row in rows
    ]
