"""The draw of a window: close it, allocate its seats by the published rule, reveal the seed; and
what anyone may read afterwards: the published runs and results, and the re-run check.

The rule is `allocation.domain.rule.allocate`, applied as it is: the run reads the window's
requests and capacity, and writes the outcome (one entry per request, seats for the seated) back,
with the digests that let anyone re-run the draw later (`verify_run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from corredor.allocation.domain.booking import AFTER_RUN, RequestStatus
from corredor.allocation.domain.early_close import RunRefused, check_run
from corredor.allocation.domain.lottery import SeedError, seed_from_hex, seed_matches
from corredor.allocation.domain.record import (
    AssignmentRow,
    assignment_row,
    capacity_from_json,
    capacity_json,
    first_mismatch,
    inputs_digest,
    results_digest,
)
from corredor.allocation.domain.rule import (
    OPEN_POOL,
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
from corredor.allocation.schemas import (
    EarlyCloseOut,
    PublishedRun,
    RunIn,
    RunOut,
    RunReport,
    RunResultsOut,
    TierCountOut,
    VerificationReport,
    WindowOut,
)
from corredor.allocation.store import (
    SEED_COLUMN,
    begin_writing,
    days_between,
    give_seats,
    load_window,
    lock_days,
    people_keys,
    require_site_officer,
    seats_taken,
    set_statuses,
    staged_policy,
    window_out,
)
from corredor.allocation.tables import (
    AllocationRequest,
    AllocationRequestPerson,
    AllocationRun,
    AllocationRunEntry,
    AllocationWindow,
)
from corredor.allocation.use_cases.early_close import (
    early_closes_of,
    lock_early_close,
    state_of,
)
from corredor.allocation.use_cases.windows import own_sites
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.database import Database
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, InvalidInput, NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor, new_id, now

PUBLISHED_RUNS = 100
# A run of more requests is re-run when the officer asks, not each time its page opens.
VERIFY_ON_OPEN = 20_000


def run_window(p: Platform, who: Principal, window_id: str, body: RunIn) -> Command[RunOut]:
    """Allocate a closed window's seats by the published rule. Before the window's published
    close, only after an early close one officer asked for and another confirmed."""
    return Command(
        operation=f"allocation:{window_id}:run",
        payload=body.model_dump(mode="json"),
        output=RunOut,
        run=lambda s: _run_window(p, s, who, window_id, body),
    )


def reveal_seed(p: Platform, who: Principal, window_id: str) -> Command[WindowOut]:
    """Publish the seed after the run, so anyone can re-run the draw."""
    return Command(
        operation=f"allocation:{window_id}:reveal",
        payload={},
        output=WindowOut,
        run=lambda s: _reveal_seed(p, s, who, window_id),
    )


def published_runs(p: Platform, limit: int = PUBLISHED_RUNS) -> list[PublishedRun]:
    """The latest runs first: when, where, how many seated, whether the seed is revealed."""
    with unit_of_work(p) as s:
        rows = s.execute(
            select(AllocationRun, AllocationWindow)
            .join(AllocationWindow, AllocationWindow.id == AllocationRun.window_id)
            .order_by(AllocationRun.run_date.desc(), AllocationRun.created_at.desc())
            .limit(limit)
        ).all()
        return [
            PublishedRun(
                run_id=run.id,
                run_date=run.run_date,
                site_ids=tuple(str(site) for site in window.sites),
                # counts come from the run's own published summary
                requests=sum(int(count["requests"]) for count in run.counts),
                assigned_requests=run.assigned_requests,
                seed_revealed=window.seed is not None,
            )
            for run, window in rows
        ]


def results(p: Platform, run_id: str) -> RunResultsOut:
    """The published results: counts per site and tier at the run, and per status today."""
    with unit_of_work(p) as s:
        return results_of(s, run_id)


def verify_run(p: Platform, run_id: str) -> VerificationReport:
    """Re-run a stored run with its revealed seed; compare with what it published."""
    with unit_of_work(p) as s:
        return _verify_run(s, run_id)


def run_report(p: Platform, who: Principal, run_id: str, *, verify: bool = False) -> RunReport:
    """A run for the officers: its results, its window, and the re-run check once the seed is
    out (asked for with `verify` when the run is large)."""
    who.require(Permission.ALLOCATION_RUN)
    with unit_of_work(p) as s:
        results = results_of(s, run_id)  # NotFound for an unknown run
        window = window_out(s, load_window(s, results.window_id))
        requests = sum(count.requests for count in results.counts)
        checked = results.seed is not None and (requests <= VERIFY_ON_OPEN or verify)
        report = _verify_run(s, run_id) if checked else None
    own = {site_id for site_id, _ in own_sites(p, who)}
    return RunReport(
        results=results,
        window=window,
        requests=requests,
        report=report,
        may_reveal=window.state == "allocated" and set(window.site_ids) <= own,
    )


@dataclass(frozen=True)
class _DatabaseOnly:
    db: Database


def verify_stored_run(database_url: str, run_id: str) -> VerificationReport:
    """`verify_run` for the command line, which reaches a database without a platform."""
    reached = _DatabaseOnly(Database(database_url))
    try:
        with unit_of_work(reached) as s:
            return _verify_run(s, run_id)
    except NotFound:
        shown = make_url(database_url).render_as_string()  # the password hidden
        raise NotFound(f"no run {run_id} in {shown}") from None
    finally:
        reached.db.dispose()


# ---- the run ----


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


def _run_window(p: Platform, s: Session, who: Principal, window_id: str, body: RunIn) -> RunOut:
    who.require(Permission.ALLOCATION_RUN)
    begin_writing(s)
    window = load_window(s, window_id, lock="update")
    for site_id in window.sites:
        require_site_officer(who, p.reference, site_id)
    if window.state != "open":
        raise Conflict(f"window {window.id} has already run", state=window.state)
    moment = p.now()  # the injected clock: the close is a promise kept by the platform's time
    early_close = lock_early_close(s, window.id)
    try:
        closes_early = check_run(audit.as_utc(window.closes_at), moment, state_of(early_close))
    except RunRefused as refused:
        raise Conflict(str(refused), state="open", allowed=refused.allowed) from None
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
    if closes_early:
        assert early_close is not None, "check_run allows an early run only when confirmed"
        early_close.closed_at = window.closes_at = moment
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
            "closed_early": closes_early,
        },
    )
    s.flush()
    return RunOut(run_id=run.id, window=window_out(s, window))


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


def _reveal_seed(p: Platform, s: Session, who: Principal, window_id: str) -> WindowOut:
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
    return window_out(s, window)


# ---- what is published ----


def _run(s: Session, run_id: str) -> tuple[AllocationRun, AllocationWindow]:
    run = s.get(AllocationRun, run_id)
    if run is None:
        raise NotFound(f"no run {run_id}")
    window = s.get(AllocationWindow, run.window_id)
    assert window is not None, "a run belongs to a window"
    return run, window


def results_of(s: Session, run_id: str) -> RunResultsOut:
    """`results`, inside the caller's unit of work."""
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
        early_close=_published_early_close(s, window.id),
    )


def _published_early_close(s: Session, window_id: str) -> EarlyCloseOut | None:
    """The early close the run used: a request confirmed but not needed (the run came after
    the published close anyway) is not part of the run."""
    found = early_closes_of(s, [window_id]).get(window_id)
    return found if found is not None and found.closed_at is not None else None


def _verify_run(s: Session, run_id: str) -> VerificationReport:
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
        early_close=_published_early_close(s, window.id),
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
