"""`corredor persons dedupe`: the whole register scanned for possible duplicates, written as a
review list for INM officers (ids, scores and reasons; no names, dates or numbers)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from corredor.platform import Platform

console = Console()
errors = Console(stderr=True)
persons_app = typer.Typer(help="The register of persons: possible duplicates.")


def _platform() -> Platform:
    from corredor.config import Settings
    from corredor.platform import Platform

    return Platform.build(Settings())


@persons_app.command("dedupe")
def dedupe(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the review list (CSV).")
    ] = Path("possible-duplicates.csv"),
) -> None:
    """Re-index every case and list the pairs of persons who may be one person, most likely
    first, for officers to decide at the desk (audited with its counts)."""
    from corredor.identity import use_cases
    from corredor.identity.schemas import ReviewRow

    with Progress(
        TextColumn("indexing cases"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task("cases", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        rows = use_cases.scan_register(_platform(), progress=report)
    try:
        with output.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(ReviewRow.model_fields))
            writer.writeheader()
            writer.writerows(row.model_dump() for row in rows)
    except OSError as error:
        errors.print(f"[bold red]error:[/] cannot write {output}: {error.strerror}")
        raise typer.Exit(code=2) from None
    console.print(f"{len(rows):,} possible duplicate pairs written to {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(persons_app, name="persons")
