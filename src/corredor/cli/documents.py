"""`corredor keys ...`, `corredor documents ...` and `corredor verify` (fully offline)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

# The database, the platform and the renderers load inside the commands that use them, so
# `corredor --help` and every other command start without them.
if TYPE_CHECKING:
    from corredor.domain.credentials import Verdict
    from corredor.services import audit
    from corredor.services.platform import Platform

console = Console()
errors = Console(stderr=True)
keys_app = typer.Typer(help="Issuer signing keys: one active key per agency.", no_args_is_help=True)
documents_app = typer.Typer(help="Signed documents and status lists.", no_args_is_help=True)


def _operator() -> audit.Actor:
    from corredor.services import audit

    return audit.Actor(user_id=None, role="operator")


Issuer = Annotated[str, typer.Option("--issuer", help="The issuing agency: INM or CBP.")]
Out = Annotated[Path | None, typer.Option("--out", help="Write here instead of printing.")]


def _platform() -> Platform:
    from corredor.config import Settings
    from corredor.services.platform import Platform

    return Platform.build(Settings())


def _fail(message: str, code: int = 2) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=code)


def _write(content: dict[str, Any], out: Path | None) -> None:
    text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        errors.print(f"wrote {out}")


@keys_app.command("list")
def list_keys() -> None:
    """Every key: id, agency, state and dates."""
    from corredor.services import issuer_keys

    platform = _platform()
    with platform.db.transaction() as s:
        for row in issuer_keys.all_keys(s):
            retired = f" retired {row.retired_on}, vouches to {row.trusted_until}"
            console.print(
                f"{row.kid}  {row.issuer}  {row.state}  since {row.activated_on}"
                + (retired if row.retired_on else "")
                + (f" revoked {row.revoked_on}: {row.revocation_reason}" if row.revoked_on else "")
            )


def _keys_job(
    job: str, issuer: str | None = None, kid: str | None = None, reason: str = ""
) -> None:
    from corredor.services import audit, documents, issuer_keys
    from corredor.services.errors import ServiceError
    from corredor.services.platform import SOURCE

    platform = _platform()
    try:
        with platform.db.transaction() as s:
            if job == "generate":
                made = issuer_keys.generate_key(platform, s, str(issuer))
                said = f"new active key {made.kid} for {made.issuer}"
            elif job == "rotate":
                made, retired = issuer_keys.rotate_key(platform, s, str(issuer))
                old = (
                    f"; retired {retired.kid} (vouches to {retired.trusted_until})"
                    if retired
                    else ""
                )
                said = f"new active key {made.kid} for {made.issuer}{old}"
            elif job == "retire":
                row = issuer_keys.retire_key(platform, s, str(kid))
                said = f"retired {row.kid}; it vouches for documents valid to {row.trusted_until}"
            else:
                resigned = documents.revoke_key(platform, s, str(kid), reason)
                said = f"revoked {kid}; re-signed {len(resigned)} live documents under a new key"
            audit.append(s, _operator(), f"{SOURCE}:issuer_key:{job}", detail={"result": said})
    except ServiceError as error:
        raise _fail(str(error)) from None
    console.print(said)


@keys_app.command("generate")
def generate(issuer: Issuer) -> None:
    """An agency's first key (issuance also makes one on first use)."""
    _keys_job("generate", issuer=issuer)


@keys_app.command("rotate")
def rotate(issuer: Issuer) -> None:
    """A new active key; the old one retires and keeps vouching for what it signed."""
    _keys_job("rotate", issuer=issuer)


@keys_app.command("retire")
def retire(kid: Annotated[str, typer.Argument(help="The key id.")]) -> None:
    """Stop a key signing; its documents verify until they expire."""
    _keys_job("retire", kid=kid)


@keys_app.command("revoke")
def revoke(
    kid: Annotated[str, typer.Argument(help="The compromised key's id.")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit log).")],
) -> None:
    """A compromised key: nothing it signed verifies any more; live documents are re-signed."""
    _keys_job("revoke", kid=kid, reason=reason)


@keys_app.command("export")
def export_keys(out: Out = None) -> None:
    """The public key bundle for offline verifiers (prints its fingerprint on stderr)."""
    from corredor.credentials.keys import fingerprint
    from corredor.services import issuer_keys

    platform = _platform()
    with platform.db.transaction() as s:
        content = issuer_keys.key_bundle(s)
    _write(content, out)
    errors.print(f"fingerprint sha256:{fingerprint(content)}")


@documents_app.command("status-list")
def export_status(out: Out = None) -> None:
    """Every agency's signed revocation list, for offline verifiers (refresh at least daily)."""
    from corredor.services import issuer_keys

    platform = _platform()
    with platform.db.transaction() as s:
        content = issuer_keys.status_lists(platform, s)
    _write(content, out)


@documents_app.command("export")
def export_case(
    case_id: Annotated[str, typer.Argument(help="The case whose documents to write out.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write into.")] = Path("."),
) -> None:
    """Write each document of a case: token (.jws), JSON, QR (PNG, SVG), card (SVG, PNG, PDF)."""
    from sqlalchemy import select

    from corredor.adapters.db.document_models import DocumentRow
    from corredor.credentials import render
    from corredor.services import audit, documents
    from corredor.services.platform import SOURCE

    platform = _platform()
    out.mkdir(parents=True, exist_ok=True)
    with platform.db.transaction() as s:
        rows = list(s.execute(select(DocumentRow).where(DocumentRow.case_id == case_id)).scalars())
        if not rows:
            raise _fail(f"no documents on case {case_id}")
        audit.append(
            s,
            _operator(),
            f"{SOURCE}:document:export",
            case_id=case_id,
            detail={"documents": [r.number for r in rows]},
        )
        for row in rows:
            credential, token = documents.credential_of(platform, row)
            base = out / row.number
            Path(f"{base}.jws").write_text(token + "\n", encoding="utf-8")
            form = render.json_form(credential, token, row.key_id)
            Path(f"{base}.json").write_text(json.dumps(form, indent=2, ensure_ascii=False))
            Path(f"{base}-qr.png").write_bytes(render.qr_png(token))
            Path(f"{base}-qr.svg").write_bytes(render.qr_svg(token))
            Path(f"{base}-card.svg").write_bytes(render.card_svg(credential, token))
            Path(f"{base}-card.png").write_bytes(render.card_png(credential, token))
            Path(f"{base}-card.pdf").write_bytes(render.card_pdf(credential, token))
            state = "revoked" if row.revoked_at else "issued"
            console.print(f"{row.number}  {row.kind}  {state}  -> {base}.*")


def _report(verdict: Verdict, as_json: bool) -> None:
    from corredor.credentials import render

    document = verdict.credential
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "valid": verdict.valid,
                    "reason": verdict.reason and str(verdict.reason),
                    "explanation": verdict.explanation,
                    "document": render.json_form(document, "", "")["claims"] if document else None,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    if verdict.valid and document is not None:
        console.print(
            f"[bold green]VALID[/] {document.type} {document.number} issued by {document.issuer}: "
            f"{document.holder_name}, born {document.holder_birth_date}; "
            f"valid {document.valid_from} to {document.valid_until}"
            + (f"; {document.travel_mode} via {document.port}" if document.port else "")
        )
        return
    console.print(f"[bold red]INVALID[/] {verdict.reason}: {verdict.explanation}")


def verify(
    document: Annotated[
        str,
        typer.Argument(
            help="The QR content (token), '-' for stdin, or a file: .txt, .json, or a QR image."
        ),
    ],
    keys: Annotated[Path, typer.Option("--keys", help="Public key bundle (corredor keys export).")],
    status: Annotated[
        Path, typer.Option("--status", help="Status lists (corredor documents status-list).")
    ],
    at: Annotated[
        datetime | None, typer.Option(help="Verify as of this moment (default: now, UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Verify a document fully offline. Exit 0 valid, 1 invalid (with the reason), 2 bad input."""
    from corredor.credentials.keys import BundleError, load_bundle
    from corredor.credentials.source import SourceError, read_token
    from corredor.credentials.status import StatusListError, load_status_bundle
    from corredor.credentials.verifier import Verifier

    try:
        ring = load_bundle(json.loads(keys.read_text(encoding="utf-8")))
        lists = load_status_bundle(json.loads(status.read_text(encoding="utf-8")), ring)
    except (OSError, json.JSONDecodeError, BundleError, StatusListError) as error:
        raise _fail(str(error)) from None
    try:
        token = read_token(document, sys.stdin.read() if document == "-" else None)
    except SourceError as error:
        raise _fail(str(error)) from None
    moment = at or datetime.now(UTC)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    verdict = Verifier(ring, lists).verify(token, moment)
    _report(verdict, as_json)
    if not verdict.valid:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.add_typer(documents_app, name="documents")
    app.command("verify")(verify)
