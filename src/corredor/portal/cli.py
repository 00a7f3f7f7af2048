"""`corredor stats export DIR`: the portal's open data, written for publication elsewhere."""

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


def register(app: typer.Typer) -> None:
    app.add_typer(stats_app, name="stats")
