"""`corredor screen`, `screen-bulk`, `screen-demo` and `policy check`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from corredor import __version__
from corredor.kernel.resources import shipped

# The rule engine, pydantic and Polars load inside the commands that use them, so `corredor
# --help` and every other command start without paying for them.
if TYPE_CHECKING:
    from corredor.screening.domain.catalogue import Catalogue
    from corredor.screening.domain.facts import Profile
    from corredor.screening.domain.rules import Decision

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # error lines stay whole, for grep and logs

EXAMPLES_DIR = shipped("examples") / "profiles"
_STYLE = {"eligible": "green", "not_eligible": "red", "unknown": "yellow"}

PolicyDir = Annotated[
    Path | None, typer.Option("--policies", help="Policy directory (default: policies/).")
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Screen as of this date, YYYY-MM-DD (default: today).")
]


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=2)


def _catalogue(directory: Path | None) -> Catalogue:
    from corredor.screening.domain.problems import PolicyFileError
    from corredor.screening.use_cases.policies import read_catalogue

    try:
        return read_catalogue(directory)
    except PolicyFileError as error:
        for problem in error.problems:
            errors.print(f"[bold red]error:[/] {problem}", highlight=False)
        raise typer.Exit(code=2) from None


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--as-of: expected a date as YYYY-MM-DD, got {value!r}") from None


def read_profile(path: Path) -> Profile:
    """One profile from a JSON file; every problem names the file and the field."""
    from pydantic import ValidationError

    from corredor.screening.domain.facts import Profile
    from corredor.screening.domain.problems import field_path

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(f"{path}: no such file") from None
    except json.JSONDecodeError as error:
        raise _fail(f"{path}: not valid JSON (line {error.lineno}, column {error.colno})") from None
    if not isinstance(data, dict):
        raise _fail(f"{path}: expected a JSON object of facts")
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            errors.print(
                f"[bold red]error:[/] {path}: {field_path(tuple(detail['loc']))}: {detail['msg']}",
                highlight=False,
            )
        raise typer.Exit(code=2) from None


def _screen(catalogue: Catalogue, person: Profile, day: date, path: Path) -> list[Decision]:
    """Screen one person; a date after the screening date is refused, naming the field."""
    from corredor.screening.domain.facts import FactError

    try:
        return catalogue.screen(person, day)
    except FactError as error:
        raise _fail(f"{path}: {error.field}: {error.message}") from None


def decision_json(decision: Decision) -> dict[str, Any]:
    return {
        "pathway": decision.pathway,
        "version": decision.version,
        "outcome": decision.outcome.value,
        "reasons": [
            {"key": r.key, "text": r.text, "clause": r.clause, "params": r.params}
            for r in decision.reasons
        ],
        "missing_facts": list(decision.missing_facts),
    }


def print_decisions(catalogue: Catalogue, decisions: list[Decision], title: str) -> None:
    table = Table(title=title, show_lines=True)
    table.add_column("Pathway", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Why")
    table.add_column("Ask next")
    for decision in decisions:
        title_en = catalogue.versions(decision.pathway)[-1].titles["en"]
        outcome = decision.outcome
        table.add_row(
            f"{decision.pathway}\n[dim]{decision.version}[/]",
            f"[{_STYLE[outcome.value]}]{outcome.value}[/]",
            "\n".join([f"[bold]{title_en}[/]", *(reason.text for reason in decision.reasons)]),
            "\n".join(decision.missing_facts),
        )
    console.print(table)


def version() -> None:
    """Print Corredor's version."""
    typer.echo(__version__)


def screen(
    profile: Annotated[Path, typer.Argument(help="A JSON file of facts about one person.")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policies: PolicyDir = None,
) -> None:
    """Which legal pathways are open to this person, and why."""
    catalogue = _catalogue(policies)
    person = read_profile(profile)
    day = _as_of(as_of)
    decisions = _screen(catalogue, person, day, profile)
    if as_json:
        payload = {"as_of": day.isoformat(), "results": [decision_json(d) for d in decisions]}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print_decisions(catalogue, decisions, f"{profile.name}, as of {day.isoformat()}")


def screen_bulk(
    source: Annotated[Path, typer.Argument(help="Profiles table: .parquet or .csv.")],
    target: Annotated[Path, typer.Argument(help="Where to write outcomes (.parquet).")],
    as_of: AsOf = None,
    policies: PolicyDir = None,
    batch_rows: Annotated[int, typer.Option(min=1000, help="Rows per batch.")] = 250_000,
) -> None:
    """Screen a table of profiles against every pathway (one outcome column per pathway)."""
    from rich.progress import Progress

    from corredor.screening.domain.problems import TableError
    from corredor.screening.domain.rules import Outcome
    from corredor.screening.use_cases.tables import read_profile_table, screen_table

    catalogue = _catalogue(policies)
    day = _as_of(as_of)
    if target.suffix.lower() != ".parquet":
        raise _fail(f"{target}: expected a .parquet output file")
    try:
        table = read_profile_table(source, day)
    except TableError as error:
        raise _fail(str(error)) from None
    with Progress(console=errors, transient=True) as progress:
        task = progress.add_task("Screening", total=table.rows)
        screened = screen_table(
            catalogue,
            table,
            target=target,
            as_of=day,
            batch_rows=batch_rows,
            advance=lambda rows: progress.advance(task, rows),
        )
    counts = Table(title=f"{screened.rows:,} profiles as of {day.isoformat()} -> {target}")
    counts.add_column("Pathway")
    for outcome in Outcome:
        counts.add_column(outcome.value, justify="right")
    for pathway, outcomes in screened.counts.items():
        counts.add_row(pathway, *(f"{outcomes[outcome.value]:,}" for outcome in Outcome))
    console.print(counts)


def screen_demo(as_of: AsOf = None) -> None:
    """Screen the example profiles in examples/profiles/ and explain each result."""
    catalogue = _catalogue(None)
    day = _as_of(as_of)
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        print_decisions(catalogue, _screen(catalogue, read_profile(path), day, path), path.stem)


def check(policies: PolicyDir = None) -> None:
    """Validate every policy file; exit non-zero naming the file and field on error."""
    from corredor.screening.domain.problems import PolicyFileError
    from corredor.screening.use_cases.policies import check_policies

    try:
        files = check_policies(policies)
    except PolicyFileError as error:
        for problem in error.problems:
            errors.print(f"[bold red]error:[/] {problem}", highlight=False)
        raise typer.Exit(code=2) from None
    table = Table(title="Policy files")
    for column in ("Pathway", "Version", "In force", "Authority", "File"):
        table.add_column(column)
    for entry in files:
        policy = entry.policy
        until = policy.effective_until.isoformat() if policy.effective_until else "open"
        table.add_row(
            policy.id,
            policy.version,
            f"{policy.effective_from.isoformat()} – {until}",
            ", ".join(policy.authority),
            str(entry.file),
        )
    console.print(table)
    console.print(
        f"[green]{len(files)} policy files are valid; every date, cut-off "
        "and nationality list cites its source.[/]"
    )


def register(app: typer.Typer) -> None:
    policy_app = typer.Typer(help="Policy files.", no_args_is_help=True)
    app.add_typer(policy_app, name="policy")
    app.command("version")(version)
    app.command("screen")(screen)
    app.command("screen-bulk")(screen_bulk)
    app.command("screen-demo")(screen_demo)
    policy_app.command("check")(check)
