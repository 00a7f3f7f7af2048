"""`corredor person erase` and `corredor retention apply`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from corredor.platform import Platform

console = Console(soft_wrap=True)  # ids and counts stay on one line, for scripts
person_app = typer.Typer(help="A person's data: erasure.", no_args_is_help=True)
retention_app = typer.Typer(
    help="The retention policy (policies/retention.yaml).", no_args_is_help=True
)


def _platform() -> Platform:
    from corredor.config import Settings
    from corredor.platform import Platform

    return Platform.build(Settings())


@person_app.command("erase")
def person_erase(
    target: Annotated[str, typer.Argument(help="A case id (every person of it) or a person id.")],
    reason: Annotated[
        str, typer.Option(help="Why (a request's reference, the legal ground): never a name.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking.")] = False,
) -> None:
    """Erase a person, or every person of a case: their data key is destroyed, so their data
    can never be read again (rows, stored replies, backups); recorded in the erasure ledger and
    the audit log. Irreversible."""
    from corredor.kernel.errors import Conflict, NotFound
    from corredor.retention import use_cases
    from corredor.retention.schemas import ErasureIn

    checked = ErasureIn(reason=reason)
    if not yes and not typer.confirm(f"Erase {target} for good?"):
        raise typer.Exit(code=1)
    platform = _platform()
    try:
        done = use_cases.erase(platform, use_cases.OPERATOR, target, checked.reason)
    except (NotFound, Conflict) as error:
        console.print(f"[bold red]not erased[/]: {error}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    finally:
        platform.db.dispose()
    console.print(
        f"erased {len(done.erased)} person(s) of case {done.case_id} at "
        f"{done.erased_at.isoformat()}"
        + (f" ({len(done.already)} already erased)" if done.already else "")
        + ("; the applicant's account is unlinked from the case" if done.applicant_unlinked else "")
    )


@retention_app.command("apply")
def retention_apply(
    apply: Annotated[
        bool, typer.Option("--apply", help="Erase and delete; without it, only list (dry run).")
    ] = False,
    policy: Annotated[
        Path | None, typer.Option(help="Another policy file (default: the shipped one).")
    ] = None,
    now: Annotated[
        datetime | None, typer.Option(help="Judge as of this UTC time (default: now).")
    ] = None,
) -> None:
    """What the retention policy makes due today (dry run), or apply it with --apply (daily,
    from cron); both are audited with counts."""
    from datetime import UTC

    from corredor.retention import use_cases
    from corredor.retention.domain.policy import PolicyError

    try:
        chosen = use_cases.load_policy(policy)
    except PolicyError as error:
        console.print(f"[bold red]retention policy refused[/]: {error}", soft_wrap=True)
        raise typer.Exit(code=2) from None
    platform = _platform()
    try:
        at = now.replace(tzinfo=now.tzinfo or UTC) if now else platform.now()
        report = use_cases.apply_retention(platform, chosen, at, apply=apply)
    finally:
        platform.db.dispose()
    verb = "erased" if apply else "would erase"
    console.print(
        f"retention policy {report.policy_version}, as of {report.at.isoformat()}"
        + ("" if apply else " (dry run: nothing changed; --apply to act)")
    )
    for rule in report.rules:
        label = (
            f"{rule.kind} (keep {rule.keep_days} days{', assumption' if rule.assumption else ''})"
        )
        if rule.note:
            console.print(f"  {label}: {rule.note}")
        elif rule.kind == "idempotency_replays":
            console.print(f"  {label}: {'deleted' if apply else 'would delete'} {rule.replays}")
        else:
            console.print(
                f"  {label}: {verb} {rule.persons} person(s) of {len(rule.cases)} case(s)"
                + (f": {', '.join(rule.cases)}" if rule.cases else "")
            )


def register(app: typer.Typer) -> None:
    app.add_typer(person_app, name="person")
    app.add_typer(retention_app, name="retention")
