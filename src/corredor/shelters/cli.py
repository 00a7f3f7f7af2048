"""`corredor shelters ...`: load the illustrative registry, list shelters, assign staff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

# The database and the platform load inside the commands that use them, so `corredor --help`
# starts without them.
if TYPE_CHECKING:
    from corredor.platform import Platform

console = Console()
errors = Console(stderr=True)
shelters_app = typer.Typer(help="The shelter registry and who records for each shelter.")


def _platform() -> Platform:
    from corredor.config import Settings
    from corredor.platform import Platform

    return Platform.build(Settings())


@shelters_app.command("seed")
def seed() -> None:
    """Add the illustrative shelters along the route that the registry lacks."""
    from corredor.shelters import use_cases

    added = use_cases.seed_registry(_platform())
    console.print(f"added {added} illustrative shelters")


@shelters_app.command("list")
def list_shelters() -> None:
    """Every shelter: id, region, beds and free places from its latest report."""
    from corredor.shelters import use_cases

    for shelter in use_cases.list_shelters(_platform()):
        free = "no report" if shelter.free_places is None else f"{shelter.free_places} free"
        made_up = " (illustrative)" if shelter.illustrative else ""
        console.print(
            f"{shelter.id}  {shelter.region}  {shelter.municipality}  "
            f"{shelter.night_capacity} beds, {free}{made_up}"
        )


@shelters_app.command("assign")
def assign(
    shelter_id: Annotated[str, typer.Argument(help="The shelter's id, e.g. tapachula-centro.")],
    username: Annotated[str, typer.Argument(help="A shelter-staff account.")],
) -> None:
    """Let a shelter-staff account record the shelter's occupancy (audited)."""
    from corredor.kernel.errors import ServiceError
    from corredor.shelters import use_cases

    try:
        added = use_cases.assign_staff(_platform(), shelter_id, username)
    except ServiceError as error:
        errors.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(code=2) from None
    console.print(f"{username} records for {shelter_id}" + ("" if added else " (already)"))


def register(app: typer.Typer) -> None:
    app.add_typer(shelters_app, name="shelters")
