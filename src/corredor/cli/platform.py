"""`corredor serve`, `corredor demo`, `corredor audit verify` and `corredor db upgrade`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

# The web server, the database and the demo load inside the commands that use them, so
# `corredor --help` and every other command start without them.

console = Console()


def one_line(error: Exception) -> str:
    """A database error as one line: the driver's own message when there is one."""
    return " ".join(str(getattr(error, "orig", None) or error).split())


def migrate_or_exit(url: str) -> None:
    """Migrate, or say in one line why the database cannot be used (never a traceback)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from corredor.kernel.engine import shown, upgrade

    try:
        upgrade(url)
    except (SQLAlchemyError, CommandError) as error:
        console.print(
            f"[bold red]cannot use the database[/] {shown(url)}: {one_line(error)}",
            soft_wrap=True,
        )
        raise typer.Exit(code=2) from None


db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed demo users and a sample case.")
    ] = False,
) -> None:
    """Serve the platform API (migrating the database first)."""
    import uvicorn

    from corredor.app import create_app
    from corredor.config import (
        DevelopmentSecretsInProduction,
        Settings,
        refuse_development_secrets,
    )
    from corredor.demo.seed import prepare_demo
    from corredor.kernel import logs
    from corredor.kernel.engine import shown
    from corredor.platform import Platform
    from corredor.web.demo import DEMO_PASSWORD, DEMO_USERS

    settings = Settings(demo=True) if demo else Settings()  # the home page lists demo accounts
    try:
        refuse_development_secrets(settings)
    except DevelopmentSecretsInProduction as error:
        console.print(f"[bold red]refusing to start[/]: {error}", soft_wrap=True)
        raise typer.Exit(code=2) from None
    migrate_or_exit(settings.owner_url)
    if settings.uses_dev_secrets:
        console.print("[yellow]warning:[/] development keys in use (see corredor.config)")
    platform = Platform.build(settings)
    if demo:
        prepare_demo(platform)
    console.print(f"Corredor on http://{host}:{port}/  (pathway screener)")
    console.print(f"Sign in on http://{host}:{port}/sign-in  (applicants, officers, caseworkers)")
    console.print(f"API on http://{host}:{port}/api/v1  (docs: http://{host}:{port}/docs)")
    console.print(f"Database: {shown(settings.database_url)}")
    if demo:
        console.print(f"Demo accounts (password [bold]{DEMO_PASSWORD}[/]):")
        for username, role, agency in DEMO_USERS:
            console.print(f"  {username:20} {role}{f' ({agency})' if agency else ''}")
    logs.configure()  # JSON lines from here on; uvicorn's raw-URL access log stays off
    uvicorn.run(
        create_app(platform=platform),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
    )


def demo(
    url: Annotated[
        str | None,
        typer.Option(help="A running server (seeded with --demo); default: start one in-process."),
    ] = None,
) -> None:
    """Walk a Haitian family from Ciudad Hidalgo to work authorization through the HTTP API."""
    from corredor.config import Settings
    from corredor.demo.seed import seed_demo_users
    from corredor.demo.walk import free_port, running, walk_family
    from corredor.kernel.engine import shown
    from corredor.platform import Platform

    if url is not None:
        walk_family(url)
        return
    settings = Settings()
    migrate_or_exit(settings.database_url)
    platform = Platform.build(settings)
    seed_demo_users(platform)
    with running(platform, "127.0.0.1", free_port("127.0.0.1")) as base:
        console.print(f"API at {base} ({shown(settings.database_url)})")
        walk_family(base)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to CORREDOR_DATABASE_URL (works from any directory)."""
    from corredor.config import Settings
    from corredor.kernel.engine import shown

    settings = Settings()
    migrate_or_exit(settings.owner_url)
    console.print(f"database is up to date: {shown(settings.owner_url)}")
    if settings.app_role:
        from corredor.kernel.roles import grant_app_role

        grant_app_role(settings.owner_url, settings.app_role)
        console.print(f"grants renewed for the application role {settings.app_role}")


@db_app.command("purge-replays")
def db_purge_replays(
    days: Annotated[int, typer.Option(min=1, help="Keep replays younger than this.")] = 7,
) -> None:
    """Delete the stored answers kept for retried requests once they are `days` old (run daily:
    they hold personal data, sealed, and a retry comes within minutes)."""
    from corredor.config import Settings
    from corredor.kernel.clock import utc_now
    from corredor.kernel.database import Database
    from corredor.kernel.idempotency import purge_replays

    database = Database.of(Settings())
    try:
        gone = purge_replays(database, utc_now(), days)
    finally:
        database.dispose()
    console.print(f"{gone} stored replies older than {days} days deleted")


@db_app.command("grant-app-role")
def db_grant_app_role(
    role: Annotated[str, typer.Argument(help="The role the server connects as.")],
) -> None:
    """PostgreSQL: create the application role (if needed) and grant it row access only, with
    the audit log append-only. Run with the owner's URL (CORREDOR_MIGRATION_DATABASE_URL, or
    CORREDOR_DATABASE_URL)."""
    from sqlalchemy.exc import SQLAlchemyError

    from corredor.config import Settings
    from corredor.kernel.roles import RoleError, grant_app_role

    try:
        ran = grant_app_role(Settings().owner_url, role)
    except (RoleError, SQLAlchemyError) as error:
        console.print(f"[bold red]cannot grant[/]: {one_line(error)}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    for statement in ran:
        console.print(statement, soft_wrap=True)


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (e.g. corredor.tar.gz).")],
) -> None:
    """Back up the whole database into one file, with a manifest of what it holds."""
    from corredor.config import Settings
    from corredor.kernel.backup import BackupError, backup
    from corredor.kernel.clock import utc_now

    try:
        made = backup(Settings(), file, utc_now())
    except BackupError as error:
        console.print(f"[bold red]backup failed[/]: {error}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    rows = sum(made.tables.values())
    console.print(
        f"backed up {made.backend} at schema {made.revision} into {made.file}: "
        f"{len(made.tables)} tables, {rows} rows, {made.audit_entries} audit entries"
    )


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A file made by `corredor db backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the database without asking.")
    ] = False,
) -> None:
    """Replace the database with a backup (stop the server first); then check every table's
    row count against the backup's manifest and verify the audit chain."""
    from corredor.config import Settings
    from corredor.kernel.backup import BackupError, read_manifest, restore
    from corredor.kernel.engine import shown

    settings = Settings()
    try:
        taken = read_manifest(file)["taken_at"]
    except BackupError as error:
        console.print(f"[bold red]restore refused[/]: {error}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    question = f"Replace {shown(settings.database_url)} with the backup taken at {taken}?"
    if not yes and not typer.confirm(question):
        raise typer.Exit(code=1)
    try:
        restored = restore(settings, file)
    except BackupError as error:
        console.print(f"[bold red]restore refused[/]: {error}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    console.print(
        f"restored the backup taken at {restored.taken_at}: {len(restored.tables)} tables match "
        f"the manifest; audit log intact ({restored.audit_entries} entries); "
        f"{restored.erasures_reapplied} erasures of the ledger re-applied"
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's MAC chain and hold it against the signed checkpoints kept outside
    the database; name the first entry altered, or the entries removed."""
    from corredor.audit_trail.use_cases import verify_log
    from corredor.config import Settings
    from corredor.kernel.database import Database

    settings = Settings()
    database = Database.of(settings)
    try:
        result = verify_log(database, settings)
    finally:
        database.dispose()
    if not result.checkpoints:
        console.print(
            "[yellow]no signed checkpoint yet[/]: removal of the newest entries "
            "cannot be detected until one is taken (`corredor audit checkpoint`)"
        )
    if result.ok:
        latest = result.latest_checkpoint_seq
        console.print(
            f"[green]audit log intact[/]: {result.checked} entries verified"
            + (
                f", consistent with {result.checkpoints} signed checkpoints (latest at entry "
                f"{latest})"
                if result.checkpoints
                else ""
            )
        )
        return
    if result.problem:
        console.print(
            f"[bold red]audit log altered[/] at entry {result.first_bad_seq}: {result.problem} "
            f"({result.checked} entries before it verified)"
        )
    for problem in result.checkpoint_problems:
        console.print(f"[bold red]audit log altered[/]: {problem}", soft_wrap=True)
    raise typer.Exit(code=1)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the audit chain's head now and append it to the checkpoint file (outside the
    database). The server does this every few minutes; run it from cron as well if you like."""
    from corredor.audit_trail.use_cases import take_checkpoint
    from corredor.config import Settings
    from corredor.kernel.clock import utc_now
    from corredor.kernel.database import Database

    settings = Settings()
    database = Database.of(settings)
    try:
        made = take_checkpoint(database, settings, utc_now())
    finally:
        database.dispose()
    console.print(f"checkpoint at entry {made.seq} written to {settings.audit_checkpoint_dir}")


def keys_census() -> None:
    """How many sealed values each encryption key id holds, table by table."""
    from corredor.config import Settings
    from corredor.kernel.database import Database
    from corredor.kernel.rekey import census
    from corredor.schema import metadata

    database = Database.of(Settings())
    try:
        found = census(database, metadata)
    finally:
        database.dispose()
    for table, counts in sorted(found.by_table.items()):
        console.print(f"{table}: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
    console.print(
        "total: "
        + (", ".join(f"{k} {n}" for k, n in sorted(found.by_key.items())) or "nothing sealed")
    )


def keys_reencrypt() -> None:
    """Re-seal every sealed value (issuers' private keys, stored replies, seeds…, and every
    person's data key) under CORREDOR_ACTIVE_KEY_ID, moving persons' and documents' fields sealed
    before data keys to their person's data key, batch by batch (an interrupted run resumes),
    audited; then report what remains under each key id. When nothing remains under an old key,
    remove it from CORREDOR_ENCRYPTION_KEYS."""
    from rich.progress import Progress

    from corredor.config import Settings
    from corredor.kernel.crypto import FieldCipher
    from corredor.kernel.database import Database
    from corredor.kernel.rekey import DATA_KEY, reencrypt_audited
    from corredor.schema import metadata

    settings = Settings()
    database = Database.of(settings)
    cipher = FieldCipher(settings.key_bytes(), settings.active_key_id)
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("re-sealing", total=None)
            changed, after = reencrypt_audited(
                database,
                cipher,
                metadata,
                progress=lambda table, done: bar.update(task, advance=done, description=table),
            )
    finally:
        database.dispose()
    console.print(f"{changed} rows re-sealed under {settings.active_key_id}")
    # values under a person's data key need nothing: their key is sealed under the active one
    left = {k: n for k, n in after.by_key.items() if k not in (settings.active_key_id, DATA_KEY)}
    if left:
        console.print(
            "[yellow]still under other keys[/]: " + ", ".join(f"{k} {n}" for k, n in left.items())
        )
        raise typer.Exit(code=1)
    console.print(f"everything sealed is under {settings.active_key_id}: older keys may be removed")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")


def register_key_commands(keys: typer.Typer) -> None:
    """The encryption keys share `corredor keys` with the issuers' signing keys."""
    keys.command("census")(keys_census)
    keys.command("reencrypt")(keys_reencrypt)
