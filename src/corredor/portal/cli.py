"""`corredor stats export DIR`: the portal's open data, written for publication elsewhere;
`corredor stats refresh`: the figures computed again and kept for the portal's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
stats_app = typer.Typer(help="The public monitoring portal's figures.", no_args_is_help=True)


@stats_app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="Where to write the files.")],
    period: Annotated[str, typer.Option(help="month or week.")] = "month",
) -> None:
    """Every table as CSV (with its HXL row), JSON and Parquet, and datapackage.json."""
    from corredor.config import Settings
    from corredor.platform import Platform
    from corredor.portal import use_cases
    from corredor.portal.domain.indicators import Period

    try:
        chosen = Period(period)
    except ValueError:
        raise typer.BadParameter("month or week", param_hint="--period") from None
    written = use_cases.export(Platform.build(Settings()), directory, chosen)
    console.print(f"wrote {len(written)} files to {directory}")


@stats_app.command("refresh")
def refresh() -> None:
    """Compute every indicator again and keep the figures /data and /api/v1/stats answer with
    (run it from a timer more often than every 15 minutes)."""
    from corredor.config import Settings
    from corredor.platform import Platform
    from corredor.portal import use_cases

    for figures in use_cases.refresh(Platform.build(Settings())):
        console.print(f"{figures.period.value}: computed at {figures.updated_at:%Y-%m-%d %H:%M:%S}")


def register(app: typer.Typer) -> None:
    app.add_typer(stats_app, name="stats")
