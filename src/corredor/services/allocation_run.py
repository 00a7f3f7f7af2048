"""The run of a window: close it, allocate its seats by the published rule, reveal the seed.

The rule is `allocation.domain.rule.allocate`, applied as it is: this module reads the window's
requests and capacity, and writes the outcome (one entry per request, seats for the seated) back,
with the digests that let anyone re-run the draw later (`allocation_verify`).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from corredor.allocation.domain.booking import AFTER_RUN, RequestStatus
from corredor.allocation.domain.lottery import seed_from_hex, seed_matches
from corredor.allocation.domain.record import assignment_row, results_digest
from corredor.allocation.domain.rule import (
    Allocation,
    AllocationInputError,
    AllocationRule,
    Assignment,
    Request,
    SiteDay,
    Status,
    allocate,
    open_cohorts,
)
from corredor.allocation.tables import (
    AllocationRequest,
    AllocationRequestPerson,
    AllocationRun,
    AllocationRunEntry,
    AllocationWindow,
)
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.services.allocation import (
    SEED_COLUMN,
    Answer,
    days_between,
    staged_policy,
    window_out,
)
from corredor.services.allocation_schemas import RunIn
from corredor.services.allocation_store import (
    begin_writing,
    give_seats,
    load_window,
    lock_days,
    people_keys,
    require_site_officer,
    seats_taken,
    set_statuses,
)
from corredor.services.platform import Platform, actor, new_id, now


def _seed(p: Platform, window: AllocationWindow, given: str | None) -> bytes:
    if window.seed_enc is not None:
        seed = bytes.fromhex(p.cipher.decrypt(window.seed_enc, SEED_COLUMN))
        if given is not None and seed_from_hex(given) != seed:
            raise InvalidInput("seed", "the platform drew this window's seed; leave seed out")
        return seed
    if given is None:
        raise InvalidInput("seed", "this window's commitment was given at opening: send its seed")
    seed = seed_from_hex(given)
    if not seed_matches(seed, window.seed_commitment):
        raise InvalidInput("seed", "its SHA-256 is not the commitment published for the window")
    return seed


def _run_capacity(s: Session, window: AllocationWindow) -> list[SiteDay]:
    """The window's days as SiteDays: seats not yet taken, quotas cut to fit them."""
    capacity = []
    days = days_between(window.first_day, window.last_day)
    for site_id in sorted(window.sites):
        rows = lock_days(s, site_id, days)
        taken = seats_taken(s, site_id, days)
        for day, row in sorted(rows.items()):
            seats = max(0, row.seats - taken.get(day, 0))
            quotas, left = [], seats
            for cohort, reserved in sorted(row.quotas.items()):
                quotas.append((cohort, min(int(reserved), left)))
                left -= quotas[-1][1]
            capacity.append(SiteDay(site_id, day, seats, tuple(quotas)))
    return capacity


def inputs_digest(requests: list[Request]) -> str:
    """SHA-256 over the requests as drawn, one canonical line each, in request-id order."""
    digest = hashlib.sha256()
    for r in sorted(requests, key=lambda request: request.id.encode("utf-8")):
        line = [r.id, r.site, ";".join(sorted(r.people)), r.waiting_since.isoformat()]
        line += [r.cohort or "", "urgent" if r.urgent else ""]
        digest.update("\t".join(line).encode("utf-8") + b"\n")
    return digest.hexdigest()


def capacity_json(capacity: list[SiteDay]) -> list[dict[str, Any]]:
    return [
        {"site": c.site, "day": c.day.isoformat(), "seats": c.seats, "quotas": dict(c.quotas)}
        for c in capacity
    ]


def capacity_from_json(rows: list[dict[str, Any]]) -> list[SiteDay]:
    return [
        SiteDay(
            row["site"], date.fromisoformat(row["day"]), row["seats"], tuple(row["quotas"].items())
        )
        for row in rows
    ]


def run_window(p: Platform, s: Session, who: Principal, window_id: str, body: RunIn) -> Answer:
    """Close the window and allocate its seats by the published rule."""
    who.require(Permission.ALLOCATION_RUN)
    begin_writing(s)
    window = load_window(s, window_id, lock="update")
    for site_id in window.sites:
        require_site_officer(who, p.reference, site_id)
    if window.state != "open":
        raise Conflict(f"window {window.id} has already run", state=window.state)
    seed = _seed(p, window, body.seed)
    window.seed_enc = p.cipher.encrypt(seed.hex(), SEED_COLUMN)
    rows = (
        s.execute(
            select(AllocationRequest).where(
                AllocationRequest.window_id == window.id,
                AllocationRequest.status == str(RequestStatus.REGISTERED),
            )
        )
        .scalars()
        .all()
    )
    keys = people_keys(s, [row.id for row in rows])
    requests = [
        Request(row.id, row.site_id, keys[row.id], row.waiting_since, row.cohort, row.urgent)
        for row in rows
    ]
    run_date = p.today()
    policy = staged_policy(p, window.policy_id, run_date)
    cohorts = open_cohorts(policy, run_date) if policy is not None else None
    capacity = _run_capacity(s, window)
    rule = AllocationRule.model_validate(window.rule)
    try:
        outcome = allocate(
            requests, capacity, seed=seed, rule=rule, run_date=run_date, cohorts_open=cohorts
        )
    except AllocationInputError as error:
        raise Conflict(f"the run's inputs do not hold: {error}") from None
    run = AllocationRun(
        id=new_id(),
        window_id=window.id,
        run_date=run_date,
        rule=rule.model_dump(mode="json"),
        policy=f"{policy.id}@{policy.version}" if policy else None,
        cohorts_open=sorted(cohorts) if cohorts is not None else None,
        seed_commitment=window.seed_commitment,
        capacity=capacity_json(capacity),
        requests_sha256=inputs_digest(requests),
        results_sha256=results_digest(assignment_row(a) for a in outcome.assignments.values()),
        assigned_requests=len(outcome.assignments),
        counts=[vars(count) for count in outcome.summary().tiers],
        set_aside=dict(outcome.summary().set_aside),
        created_by=who.user_id,
        created_at=now(),
    )
    s.add(run)
    s.flush()
    _store_outcome(s, run, requests, outcome)
    window.state = "allocated"
    window.closes_at = min(audit.as_utc(window.closes_at), p.now())
    audit.append(
        s,
        actor(s, who),
        AuditTag.RUN_COMPLETE,
        detail={
            "window": window.id,
            "run": run.id,
            "requests": len(requests),
            "assigned": run.assigned_requests,
            "results_sha256": run.results_sha256,
        },
    )
    s.flush()
    return 201, {"run_id": run.id, "window": window_out(s, window).model_dump(mode="json")}


def _store_outcome(
    s: Session,
    run: AllocationRun,
    requests: list[Request],
    outcome: Allocation,
) -> None:
    positions = {rid: i for order in outcome.order.values() for i, rid in enumerate(order)}
    entries = []
    for request in requests:
        ranked = outcome.ranking.get(request.id)
        seat = outcome.assignments.get(request.id)
        entries.append(
            {
                "run_id": run.id,
                "request_id": request.id,
                "site_id": request.site,
                "size": request.size,
                "cohort": request.cohort,
                "urgent": request.urgent,
                "waiting_since": request.waiting_since,
                "status": str(outcome.status[request.id]),
                "rank": positions.get(request.id),
                "tier": int(ranked.tier) if ranked else None,
                "tickets": ranked.tickets if ranked else None,
                "draw_key": f"{ranked.key:016x}" if ranked else None,
                "draw_number": ranked.draw_number if ranked else None,
                "day": seat.day if seat else None,
                "pool": seat.pool if seat else None,
            }
        )
    if entries:
        s.execute(insert(AllocationRunEntry), entries)
    by_day: dict[tuple[str, date], list[Assignment]] = {}
    for assignment in outcome.assignments.values():
        by_day.setdefault((assignment.site, assignment.day), []).append(assignment)
    for (site, day), assignments in sorted(by_day.items()):
        row = lock_days(s, site, [day])[day]
        give_seats(s, run.id, row, sorted(assignments, key=lambda a: a.request_id))
    set_statuses(s, {rid: AFTER_RUN[status] for rid, status in outcome.status.items()})
    set_aside = [
        rid
        for rid, status in outcome.status.items()
        if status in (Status.NOT_OPEN, Status.NO_CAPACITY)
    ]
    for start in range(0, len(set_aside), 1000):
        # Not in the draw: the people may ask again in a later window.
        s.execute(
            update(AllocationRequestPerson)
            .where(AllocationRequestPerson.request_id.in_(set_aside[start : start + 1000]))
            .values(active=False)
        )


def reveal_seed(p: Platform, s: Session, who: Principal, window_id: str) -> Answer:
    """Publish the seed after the run, so anyone can re-run the draw."""
    who.require(Permission.ALLOCATION_RUN)
    begin_writing(s)
    window = load_window(s, window_id, lock="update")
    for site_id in window.sites:
        require_site_officer(who, p.reference, site_id)
    if window.state != "allocated":
        allowed = ["run"] if window.state == "open" else []
        raise Conflict(
            f"window {window.id} is {window.state}: the seed is revealed once, after the run",
            state=window.state,
            allowed=allowed,
        )
    assert window.seed_enc is not None, "the run keeps the seed, encrypted, until it is revealed"
    window.seed = p.cipher.decrypt(window.seed_enc, SEED_COLUMN)
    window.seed_enc = None
    window.state = "revealed"
    audit.append(
        s,
        actor(s, who),
        AuditTag.SEED_REVEAL,
        detail={"window": window.id, "commitment": window.seed_commitment},
    )
    s.flush()
    return 200, window_out(s, window).model_dump(mode="json")
