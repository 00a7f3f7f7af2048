"""A draw run from files, outside the platform: the command line's `allocate` reads a requests
table and a capacity file, draws with the vectorized engine and writes the results; and
`allocate --verify RECORD` reads them back. Nothing here touches the database.

Problems with a file or a pathway are `InvalidInput`, whose message names the file, the column
or field, and the first offending row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from corredor.allocation.domain.record import AssignmentRow, TierCountRecord
from corredor.allocation.domain.rule import AllocationRule, SiteDay, open_cohorts
from corredor.allocation.engine import Code, RequestColumns, RunColumns, allocate_columns
from corredor.allocation.files import (
    TableError,
    read_capacity,
    read_requests,
    results_frame,
    write_results,
)
from corredor.kernel.errors import InvalidInput
from corredor.screening.domain.problems import PolicyFileError
from corredor.screening.use_cases.policies import read_catalogue

ProgressReport = Callable[[str, int, int], None]  # stage, done, total
TIER_NAMES = ("urgent", "long_wait", "standard")
SET_ASIDE = {Code.NOT_OPEN: "not_open", Code.NO_CAPACITY: "no_capacity"}


@dataclass(frozen=True)
class DrawInputs:
    """The requests (as columns) and the seats a draw runs over."""

    requests: RequestColumns
    capacity: list[SiteDay]

    @property
    def size(self) -> int:
        return len(self.requests)


@dataclass(frozen=True)
class Drawn:
    """A draw's outcome over its inputs."""

    inputs: DrawInputs
    run: RunColumns

    def rows(self) -> dict[str, AssignmentRow]:
        """The seats given, in the canonical form of `domain.record`."""
        return self.run.rows(self.inputs.requests)

    @property
    def assigned_requests(self) -> int:
        return int((self.run.status == Code.ASSIGNED).sum())

    def tier_counts(self) -> list[TierCountRecord]:
        """Counts per site and tier, for publication: no ids, no names."""
        columns = self.inputs.requests
        frame = pl.DataFrame(
            {
                "site": pl.Series(columns.sites, dtype=pl.String).gather(columns.site),
                "tier": self.run.tier,
                "people": columns.size,
                "status": self.run.status,
            }
        ).filter(pl.col("status") <= Code.WAITLISTED)
        assigned = pl.col("status") == Code.ASSIGNED
        grouped = (
            frame.group_by("site", "tier")
            .agg(
                requests=pl.len(),
                people=pl.col("people").sum(),
                assigned_requests=assigned.sum(),
                assigned_people=pl.col("people").filter(assigned).sum(),
                waitlisted_requests=(pl.col("status") == Code.WAITLISTED).sum(),
            )
            .sort("site", "tier")
        )
        return [
            TierCountRecord(**{**row, "tier": TIER_NAMES[row["tier"]]})
            for row in grouped.iter_rows(named=True)
        ]

    def set_aside(self) -> dict[str, int]:
        """Requests not in the draw, by reason (only reasons that occur)."""
        counts = {name: int((self.run.status == code).sum()) for code, name in SET_ASIDE.items()}
        return {name: count for name, count in counts.items() if count}

    def write_results(self, path: Path) -> None:
        write_results(results_frame(self.inputs.requests, self.run), path)


def read_inputs(requests: Path, capacity: Path) -> DrawInputs:
    try:
        return DrawInputs(read_requests(requests), read_capacity(capacity))
    except TableError as error:
        raise InvalidInput("requests", str(error)) from None


def draw(
    inputs: DrawInputs,
    *,
    seed: bytes,
    rule: AllocationRule,
    run_date: date,
    cohorts: frozenset[str] | None,
    progress: ProgressReport | None = None,
) -> Drawn:
    """The published rule over the inputs, vectorized (the same outcome as `domain.rule`)."""
    run = allocate_columns(
        inputs.requests,
        inputs.capacity,
        seed=seed,
        rule=rule,
        run_date=run_date,
        cohorts_open=cohorts,
        progress=progress,
    )
    return Drawn(inputs, run)


def published_rows(path: Path) -> dict[str, AssignmentRow] | None:
    """The seats a results file says were given; None when the file is not there."""
    if not path.is_file():
        return None
    frame = pl.read_parquet(path).filter(pl.col("status") == "assigned")
    return {
        rid: (rid, site, day.isoformat(), pool, int(seats))
        for rid, site, day, pool, seats in frame.select(
            "request_id", "site", "day", "pool", "seats"
        ).iter_rows()
    }


def cohorts_in_effect(pathway: str | None, day: date) -> tuple[str | None, frozenset[str] | None]:
    """The pathway version in effect on the day ("id@version") and its open cohorts; None and
    None without a pathway (every cohort is served)."""
    if pathway is None:
        return None, None
    try:
        catalogue = read_catalogue()
    except PolicyFileError as error:
        raise InvalidInput("policy", "; ".join(str(p) for p in error.problems)) from None
    policy = catalogue.in_effect(pathway, day)
    if policy is None:
        raise InvalidInput(
            "policy", f"--policy: no version of {pathway} is in effect on {day.isoformat()}"
        )
    return f"{policy.id}@{policy.version}", open_cohorts(policy, day)
