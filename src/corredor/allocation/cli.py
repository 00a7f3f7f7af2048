"""`corredor allocate-seed`, `corredor allocate` and `corredor allocate --verify RUN_RECORD`."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from corredor.allocation.domain.lottery import (
    SeedError,
    commitment,
    new_seed,
    seed_from_hex,
    seed_matches,
)

# Polars, NumPy and the database load inside the commands that use them: `corredor --help`
# and every other command start without them.
if TYPE_CHECKING:
    from corredor.allocation.domain.record import AssignmentRow, RunRecord
    from corredor.allocation.domain.rule import AllocationRule
    from corredor.allocation.use_cases.offline import DrawInputs, Drawn, ProgressReport

console = Console()
errors = Console(stderr=True, soft_wrap=True)
PROGRESS_FROM = 100_000  # rows; smaller runs finish before a bar is worth drawing


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=2)


def allocate_seed(
    seed_file: Annotated[Path, typer.Argument(help="Where to write the new secret seed (hex).")],
) -> None:
    """Draw a secret seed before the window opens, and print the SHA-256 to publish."""
    if seed_file.exists():
        raise _fail(f"{seed_file}: already exists; a seed is drawn once per window")
    seed = new_seed()
    seed_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(seed_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(seed.hex() + "\n")
    console.print(f"Publish this commitment before the window opens:\n{commitment(seed)}")


def allocate(  # noqa: PLR0917 - a Typer command takes its options as parameters
    requests: Annotated[
        Path | None, typer.Argument(help="Requests table (.csv or .parquet).")
    ] = None,
    capacity: Annotated[
        Path | None, typer.Option("--capacity", help="Capacity file (YAML): seats per site/day.")
    ] = None,
    seed_file: Annotated[
        Path | None, typer.Option("--seed-file", help="The revealed seed (64 hex characters).")
    ] = None,
    committed: Annotated[
        str | None,
        typer.Option("--commitment", help="The SHA-256 published before the window opened."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for results.parquet and run.json.")
    ] = Path("allocation-run"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Run date, YYYY-MM-DD (default: today).")
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="Pathway id whose open phases decide the cohorts served."),
    ] = None,
    run_id: Annotated[str | None, typer.Option("--run-id", help="Name of the run.")] = None,
    long_wait_days: Annotated[
        int | None, typer.Option(min=1, help="Default: the published rule's (90).")
    ] = None,
    days_per_ticket: Annotated[
        int | None, typer.Option(min=1, help="Default: the published rule's (30).")
    ] = None,
    max_tickets: Annotated[
        int | None, typer.Option(min=1, max=8, help="Default: the published rule's (8).")
    ] = None,
    verify: Annotated[
        str | None,
        typer.Option(
            "--verify",
            help="Re-run a draw and compare: a run record file (run.json), or the id of a run "
            "stored in the database.",
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="For --verify RUN_ID (default: CORREDOR_DATABASE_URL)."
        ),
    ] = None,
) -> None:
    """Allocate seats by the published rule (tiers, then the seeded lottery), or verify a run."""
    from corredor.allocation.domain.record import RunRecord, results_digest
    from corredor.allocation.domain.rule import AllocationRule

    if verify is not None:
        record_file = Path(verify)
        if record_file.suffix == ".json" or record_file.is_file():
            raise typer.Exit(code=_verify(record_file))
        raise typer.Exit(code=_verify_stored(verify, database_url))
    if requests is None or capacity is None or seed_file is None:
        raise _fail("allocate needs REQUESTS, --capacity and --seed-file (or --verify RECORD)")
    seed = _read_seed(seed_file)
    if committed is not None and not seed_matches(seed, committed):
        raise _fail(f"--commitment: SHA-256 of {seed_file} is not {committed}")
    chosen = {
        "long_wait_days": long_wait_days,
        "days_per_ticket": days_per_ticket,
        "max_tickets": max_tickets,
    }
    rule = AllocationRule(**{name: value for name, value in chosen.items() if value is not None})
    day = _date(as_of)
    policy_ref, cohorts = _cohorts(policy, day)
    drawn = _run(_inputs(requests, capacity), seed=seed, rule=rule, day=day, cohorts=cohorts)
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.parquet"
    drawn.write_results(results_path)
    record = RunRecord(
        run_id=run_id or f"{day.isoformat()}-{commitment(seed)[:12]}",
        created_at=datetime.now(UTC),
        rule=rule,
        run_date=day,
        policy=policy_ref,
        cohorts_open=sorted(cohorts) if cohorts is not None else None,
        seed_commitment=commitment(seed),
        seed=seed.hex(),
        requests_file=_relative(requests, out),
        requests_sha256=_file_sha256(requests),
        capacity_file=_relative(capacity, out),
        capacity_sha256=_file_sha256(capacity),
        results_file="results.parquet",
        results_sha256=results_digest(drawn.rows().values()),
        assigned_requests=drawn.assigned_requests,
        counts=drawn.tier_counts(),
        set_aside=drawn.set_aside(),
    )
    (out / "run.json").write_text(record.model_dump_json(indent=2) + "\n", encoding="utf-8")
    _print_counts(record, f"Run {record.run_id}: results in {results_path}")


def _verify(path: Path) -> int:
    """0 when the re-run gives the published result; 1 with the first difference otherwise."""
    from corredor.allocation.domain.record import RunRecord, first_mismatch, results_digest

    try:
        record = RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(f"{path}: no such file") from None
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"])
        raise _fail(f"{path}: {where}: {detail['msg']}") from None
    base = path.parent
    problems: list[str] = []
    if record.seed is None:
        raise _fail(f"{path}: seed: not revealed yet, the run cannot be re-run")
    try:
        seed = seed_from_hex(record.seed)
    except SeedError as error:
        raise _fail(f"{path}: {error}") from None
    if not seed_matches(seed, record.seed_commitment):
        problems.append("seed: the revealed seed does not match the committed SHA-256")
    requests, capacity = base / record.requests_file, base / record.capacity_file
    for name, file, expected in (
        ("requests_sha256", requests, record.requests_sha256),
        ("capacity_sha256", capacity, record.capacity_sha256),
    ):
        if file.is_file() and _file_sha256(file) != expected:
            problems.append(f"{name}: {file} has changed since the run")
    inputs = _inputs(requests, capacity)
    cohorts = frozenset(record.cohorts_open) if record.cohorts_open is not None else None
    rerun = _run(inputs, seed=seed, rule=record.rule, day=record.run_date, cohorts=cohorts).rows()
    if results_digest(rerun.values()) != record.results_sha256:
        problems.append("results_sha256: the re-run's result has a different digest")
    published = _published_rows(base / record.results_file)
    if published is not None:
        mismatch = first_mismatch(published, rerun)
        if mismatch is not None:
            problems.append(f"first mismatch: {mismatch}")
    if problems:
        for problem in problems:
            errors.print(f"[bold red]mismatch:[/] {problem}", highlight=False)
        return 1
    console.print(
        f"[green]match:[/] run {record.run_id} re-run with the revealed seed gives the published "
        f"result ({record.assigned_requests:,} requests seated, results {record.results_sha256})"
    )
    return 0


def _verify_stored(run_id: str, database_url: str | None) -> int:
    """0 when a run stored in the database re-runs to its published result; 1 otherwise."""
    from corredor.allocation.use_cases.runs import verify_stored_run
    from corredor.config import Settings
    from corredor.kernel.errors import NotFound

    try:
        report = verify_stored_run(database_url or Settings().database_url, run_id)
    except NotFound as error:
        raise _fail(f"--verify: {error}") from None
    early = report.early_close
    if early is not None and early.closed_at is not None:
        # part of the published record: the window did not stay open as announced
        console.print(
            f"[yellow]closed early:[/] announced open until {early.published_close.isoformat()}, "
            f"closed {early.closed_at.isoformat()}; asked for by {early.requested_by}, confirmed "
            f"by {early.confirmed_by}; reason: {early.reason}",
            highlight=False,
            soft_wrap=True,
        )
    if not report.match:
        for problem in report.problems:
            errors.print(f"[bold red]mismatch:[/] {problem}", highlight=False)
        return 1
    console.print(
        f"[green]match:[/] run {run_id} re-run with the revealed seed gives the published "
        f"result ({report.assigned_requests:,} requests seated, results {report.results_sha256})"
    )
    return 0


def _published_rows(path: Path) -> dict[str, AssignmentRow] | None:
    from corredor.allocation.use_cases.offline import published_rows

    rows = published_rows(path)
    if rows is None:
        errors.print(f"[yellow]note:[/] {path}: published results not found", highlight=False)
    return rows


def _inputs(requests: Path, capacity: Path) -> DrawInputs:
    from corredor.allocation.use_cases.offline import read_inputs
    from corredor.kernel.errors import InvalidInput

    try:
        return read_inputs(requests, capacity)
    except InvalidInput as error:
        raise _fail(str(error)) from None


def _run(
    inputs: DrawInputs,
    *,
    seed: bytes,
    rule: AllocationRule,
    day: date,
    cohorts: frozenset[str] | None,
) -> Drawn:
    from corredor.allocation.use_cases.offline import draw

    with _progress(inputs.size) as report:
        return draw(inputs, seed=seed, rule=rule, run_date=day, cohorts=cohorts, progress=report)


@contextmanager
def _progress(rows: int) -> Iterator[ProgressReport | None]:
    """A Rich progress bar on stderr for large runs: the draw, then the days filled."""
    from rich.progress import Progress, TaskID

    if rows < PROGRESS_FROM:
        yield None
        return
    with Progress(console=errors, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "Drawing tickets" if stage == "draw" else "Filling days"
                tasks[stage] = progress.add_task(label, total=total)
            progress.update(tasks[stage], completed=done)

        yield report


def _read_seed(path: Path) -> bytes:
    try:
        return seed_from_hex(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        raise _fail(f"{path}: no such file") from None
    except (SeedError, UnicodeDecodeError) as error:
        raise _fail(f"{path}: {error}") from None


def _cohorts(pathway: str | None, day: date) -> tuple[str | None, frozenset[str] | None]:
    from corredor.allocation.use_cases.offline import cohorts_in_effect
    from corredor.kernel.errors import InvalidInput

    try:
        return cohorts_in_effect(pathway, day)
    except InvalidInput as error:
        raise _fail(str(error)) from None


def _date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--as-of: expected a date as YYYY-MM-DD, got {value!r}") from None


def _file_sha256(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        raise _fail(f"{path}: no such file") from None


def _relative(path: Path, directory: Path) -> str:
    return os.path.relpath(path.resolve(), directory.resolve())


def _print_counts(record: RunRecord, title: str) -> None:
    table = Table(title=title)
    for column in ("Site", "Tier", "Requests", "People", "Seated", "Seated people", "Waiting"):
        table.add_column(column, justify="left" if column in ("Site", "Tier") else "right")
    for row in record.counts:
        table.add_row(
            row.site,
            row.tier,
            f"{row.requests:,}",
            f"{row.people:,}",
            f"{row.assigned_requests:,}",
            f"{row.assigned_people:,}",
            f"{row.waitlisted_requests:,}",
        )
    console.print(table)
    for reason, count in record.set_aside.items():
        console.print(f"Set aside ({reason}): {count:,} requests")
    console.print(f"Seed commitment {record.seed_commitment}; run record: run.json")


def register(app: typer.Typer) -> None:
    app.command("allocate-seed")(allocate_seed)
    app.command("allocate")(allocate)
