"""`corredor`: one command, with a sub-command per job. Each job lives in its own module."""

from __future__ import annotations

import typer

from corredor.cli import allocation, platform, screening, simulate, tvrh
from corredor.documents import cli as documents
from corredor.portal import cli as portal
from corredor.shelters import cli as shelters

app = typer.Typer(
    name="corredor",
    help="Corredor: safe, legal migration pathways as data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
screening.register(app)
platform.register(app)
allocation.register(app)
simulate.register(app)
documents.register(app)
tvrh.register(app)
shelters.register(app)
portal.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
