"""What people and the public see: my position, the published results, and a re-run check."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.allocation.domain.booking import RequestStatus
from corredor.allocation.domain.lottery import SeedError, seed_from_hex, seed_matches
from corredor.allocation.domain.record import (
    AssignmentRow,
    assignment_row,
    first_mismatch,
    results_digest,
)
from corredor.allocation.domain.rule import (
    OPEN_POOL,
    TIER_LABELS,
    AllocationRule,
    Request,
    Tier,
    allocate,
)
from corredor.allocation.tables import (
    AllocationRequest,
    AllocationRun,
    AllocationRunEntry,
    AllocationWindow,
)
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import NotFound
from corredor.services.allocation_run import capacity_from_json, inputs_digest
from corredor.services.allocation_schemas import (
    PositionOut,
    RequestOut,
    RunResultsOut,
    TierCountOut,
    VerificationReport,
)
from corredor.services.allocation_store import (
    active_seats,
    appointment_of,
    entry_of,
    load_window,
    people_keys,
    request_view,
    visible_request,
)
from corredor.services.platform import actor


def read_request(s: Session, who: Principal, request_id: str) -> RequestOut:
    request = visible_request(s, who, request_id, Permission.ALLOCATION_READ_OWN_POSITION)
    return request_view(s, request)


def position(s: Session, who: Principal, request_id: str) -> PositionOut:
    """ "Your tier, your draw number": the request's place in the draw and in line; audited."""
    request = visible_request(s, who, request_id, Permission.ALLOCATION_READ_OWN_POSITION)
    window = load_window(s, request.window_id)
    entry = entry_of(s, request.id)
    waitlist_position = None
    if entry is not None and request.status == RequestStatus.WAITLISTED:
        ahead = s.execute(
            select(func.count())
            .select_from(AllocationRunEntry)
            .join(AllocationRequest, AllocationRequest.id == AllocationRunEntry.request_id)
            .where(
                AllocationRunEntry.run_id == entry.run_id,
                AllocationRunEntry.site_id == entry.site_id,
                AllocationRunEntry.rank < (entry.rank or 0),
                AllocationRequest.status == str(RequestStatus.WAITLISTED),
            )
        ).scalar_one()
        waitlist_position = int(ahead) + 1
    tier = Tier(entry.tier) if entry is not None and entry.tier is not None else None
    audit.append(
        s,
        actor(s, who),
        AuditTag.REQUEST_READ_POSITION,
        case_id=request.case_id,
        detail={"request": request.id},
    )
    return PositionOut(
        request_id=request.id,
        status=request.status,
        tier=tier.name.lower() if tier is not None else None,
        tier_label=dict(TIER_LABELS[tier]) if tier is not None else None,
        tickets=entry.tickets if entry else None,
        draw_number=entry.draw_number if entry else None,
        draw_key=entry.draw_key if entry else None,
        waitlist_position=waitlist_position,
        appointment=appointment_of(active_seats(s, [request.id]).get(request.id, [])),
        seed_commitment=window.seed_commitment,
        seed=window.seed,
    )


def _run(s: Session, run_id: str) -> tuple[AllocationRun, AllocationWindow]:
    run = s.get(AllocationRun, run_id)
    if run is None:
        raise NotFound(f"no run {run_id}")
    window = s.get(AllocationWindow, run.window_id)
    assert window is not None, "a run belongs to a window"
    return run, window


def results(s: Session, run_id: str) -> RunResultsOut:
    """The published results: counts per site and tier at the run, and per status today."""
    run, window = _run(s, run_id)
    now_counts = s.execute(
        select(AllocationRequest.status, func.count())
        .where(AllocationRequest.window_id == window.id)
        .group_by(AllocationRequest.status)
    ).all()
    return RunResultsOut(
        run_id=run.id,
        window_id=window.id,
        run_date=run.run_date,
        rule=dict(run.rule),
        policy=run.policy,
        cohorts_open=run.cohorts_open,
        seed_commitment=run.seed_commitment,
        seed=window.seed,
        requests_sha256=run.requests_sha256,
        results_sha256=run.results_sha256,
        assigned_requests=run.assigned_requests,
        counts=[TierCountOut(site_id=c.pop("site"), **c) for c in map(dict, run.counts)],
        set_aside={str(k): int(v) for k, v in run.set_aside.items()},
        now={str(status): int(count) for status, count in sorted(now_counts)},
    )


def verify_run(s: Session, run_id: str) -> VerificationReport:
    """Re-run a stored run with its revealed seed; compare with what it published."""
    run, window = _run(s, run_id)
    entries = (
        s.execute(select(AllocationRunEntry).where(AllocationRunEntry.run_id == run.id))
        .scalars()
        .all()
    )
    keys = people_keys(s, [entry.request_id for entry in entries])
    requests = [
        Request(
            e.request_id, e.site_id, keys.get(e.request_id, ()), e.waiting_since, e.cohort, e.urgent
        )
        for e in entries
    ]
    published: dict[str, AssignmentRow] = {
        e.request_id: (e.request_id, e.site_id, e.day.isoformat(), e.pool or OPEN_POOL, e.size)
        for e in entries
        if e.day is not None
    }
    problems = _rerun_problems(run, window, requests, published)
    return VerificationReport(
        run_id=run.id,
        match=not problems,
        problems=problems,
        assigned_requests=run.assigned_requests,
        results_sha256=run.results_sha256,
    )


def _rerun_problems(
    run: AllocationRun,
    window: AllocationWindow,
    requests: list[Request],
    published: dict[str, AssignmentRow],
) -> list[str]:
    if window.seed is None:
        return ["seed: not revealed yet, the run cannot be re-run"]
    try:
        seed = seed_from_hex(window.seed)
    except SeedError as error:
        return [str(error)]
    problems: list[str] = []
    if not seed_matches(seed, run.seed_commitment):
        problems.append("seed: the revealed seed does not match the committed SHA-256")
    if inputs_digest(requests) != run.requests_sha256:
        problems.append("requests_sha256: the stored requests have changed since the run")
    if results_digest(published.values()) != run.results_sha256:
        problems.append("results_sha256: the stored outcome has changed since the run")
    rerun = allocate(
        requests,
        capacity_from_json(list(run.capacity)),
        seed=seed,
        rule=AllocationRule.model_validate(run.rule),
        run_date=run.run_date,
        cohorts_open=frozenset(run.cohorts_open) if run.cohorts_open is not None else None,
    )
    rows = {rid: assignment_row(a) for rid, a in rerun.assignments.items()}
    if results_digest(rows.values()) != run.results_sha256:
        problems.append("results_sha256: the re-run's result has a different digest")
    mismatch = first_mismatch(published, rows)
    if mismatch is not None:
        problems.append(f"first mismatch: {mismatch}")
    return problems
