"""What the allocation publishes for the public monitoring portal: each drawn window's requests,
how many the draw gave an appointment, and the seats offered, read from the runs' own published
summaries inside the caller's unit of work (one row per window, never a request at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.allocation.tables import AllocationRun, AllocationWindow


@dataclass(frozen=True)
class DrawnWindow:
    window_id: str
    first_day: date  # the window's first day of appointments
    run_id: str  # its published draw (/allocation/results/{run_id})
    requests: int  # households in the draw
    allocated: int  # households the draw gave a seat
    seats: int  # seats the sites offered over the window's days


def drawn_windows(session: Session, first: date, last: date) -> list[DrawnWindow]:
    """Windows whose appointment days begin from `first` to `last` and that have been drawn,
    oldest first. The figures are the run's as published, so later changes to a request (a
    cancellation, a no-show) do not rewrite what the draw did."""
    rows = session.execute(
        select(
            AllocationWindow.id,
            AllocationWindow.first_day,
            AllocationRun.id,
            AllocationRun.counts,
            AllocationRun.assigned_requests,
            AllocationRun.capacity,
        )
        .join(AllocationRun, AllocationRun.window_id == AllocationWindow.id)
        .where(AllocationWindow.first_day >= first, AllocationWindow.first_day <= last)
        .order_by(AllocationWindow.first_day, AllocationWindow.id)
    ).all()
    return [
        DrawnWindow(
            window_id=window_id,
            first_day=first_day,
            run_id=run_id,
            requests=sum(int(count["requests"]) for count in counts),
            allocated=int(assigned),
            seats=sum(int(day["seats"]) for day in capacity),
        )
        for window_id, first_day, run_id, counts, assigned, capacity in rows
    ]
