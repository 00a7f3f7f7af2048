"""The list of allocation runs anyone may read: when, where, how many seated, seed revealed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.allocation.tables import AllocationRun, AllocationWindow


@dataclass(frozen=True)
class PublishedRun:
    run_id: str
    run_date: date
    site_ids: tuple[str, ...]
    requests: int
    assigned_requests: int
    seed_revealed: bool


def published_runs(s: Session, limit: int = 100) -> list[PublishedRun]:
    """The latest runs first; counts come from the run's own published summary."""
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
            requests=sum(int(count["requests"]) for count in run.counts),
            assigned_requests=run.assigned_requests,
            seed_revealed=window.seed is not None,
        )
        for run, window in rows
    ]
