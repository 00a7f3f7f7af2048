"""`corredor`: one command, with a sub-command per job. Each job lives in its own module."""

from __future__ import annotations

import typer

from corredor.allocation import cli as allocation
from corredor.cases import cli as cases
from corredor.cli import platform, simulate
from corredor.documents import cli as documents
from corredor.identity import cli as identity
from corredor.portal import cli as portal
from corredor.retention import cli as retention
from corredor.screening import cli as screening
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
cases.register(app)
identity.register(app)
shelters.register(app)
portal.register(app)
retention.register(app)
platform.register_key_commands(documents.keys_app)


if __name__ == "__main__":  # pragma: no cover
    app()
