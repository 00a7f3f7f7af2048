"""`corredor tvrh expire-lapsed`: the daily job that ends humanitarian visitor cards whose
validity has passed, and revokes their signed documents so verifiers refuse them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console()
errors = Console(stderr=True, soft_wrap=True)
tvrh_app = typer.Typer(help="Humanitarian visitor cards (TVRH).", no_args_is_help=True)


@tvrh_app.command("expire-lapsed")
def expire_lapsed(
    acting_as: Annotated[
        str,
        typer.Option(
            "--as",
            help="The INM account the job acts as; the audit log records each expiry under it.",
        ),
    ],
) -> None:
    """Expire every TVRH whose validity ended before today (run it daily, e.g. from cron)."""
    from corredor.cases.use_cases import tvrh
    from corredor.config import Settings
    from corredor.kernel.errors import Forbidden, NotFound
    from corredor.platform import Platform

    platform = Platform.build(Settings())
    try:
        expired = tvrh.expire_lapsed(platform, acting_as)
    except (NotFound, Forbidden) as refusal:
        errors.print(f"[bold red]error:[/] --as: {refusal}", highlight=False)
        raise typer.Exit(code=2) from None
    finally:
        platform.db.dispose()
    console.print(f"{len(expired.case_ids)} TVRH expired as of {expired.today.isoformat()}")
    for case_id in expired.case_ids:
        console.print(f"  case {case_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(tvrh_app, name="tvrh")
