"""Placeholder until the screening commands land."""

from __future__ import annotations

import typer

from corredor import __version__


def register(app: typer.Typer) -> None:
    @app.command("version")
    def version() -> None:
        """Print Corredor's version."""
        typer.echo(__version__)
