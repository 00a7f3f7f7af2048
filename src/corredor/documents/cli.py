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
    from corredor.documents.domain.credentials import Credential, Verdict
    from corredor.documents.use_cases import KeyJob
    from corredor.platform import Platform

console = Console()
errors = Console(stderr=True)
keys_app = typer.Typer(
    help="Keys: the issuers' signing keys (one active per agency), and the encryption keys "
    "that seal personal data (census, reencrypt).",
    no_args_is_help=True,
)
documents_app = typer.Typer(help="Signed documents and status lists.", no_args_is_help=True)


Issuer = Annotated[str, typer.Option("--issuer", help="The issuing agency: INM or CBP.")]
Out = Annotated[Path | None, typer.Option("--out", help="Write here instead of printing.")]


def _platform() -> Platform:
    from corredor.config import Settings
    from corredor.platform import Platform

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
    from corredor.documents import use_cases

    for key in use_cases.key_lines(_platform()):
        retired = f" retired {key.retired_on}, vouches to {key.trusted_until}"
        console.print(
            f"{key.kid}  {key.issuer}  {key.state}  since {key.activated_on}"
            + (retired if key.retired_on else "")
            + (f" revoked {key.revoked_on}: {key.revocation_reason}" if key.revoked_on else "")
        )


def _keys_job(job: KeyJob, *, issuer: str = "", kid: str = "", reason: str = "") -> None:
    from corredor.documents import use_cases
    from corredor.kernel.errors import ServiceError

    try:
        said = use_cases.run_key_job(_platform(), job, issuer=issuer, kid=kid, reason=reason)
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
    from corredor.documents import use_cases
    from corredor.documents.credentials.keys import fingerprint

    content = use_cases.key_bundle(_platform())
    _write(content, out)
    errors.print(f"fingerprint sha256:{fingerprint(content)}")


@documents_app.command("status-list")
def export_status(out: Out = None) -> None:
    """Every agency's signed revocation list, for offline verifiers (refresh at least daily)."""
    from corredor.documents import use_cases

    _write(use_cases.status_lists(_platform()), out)


@documents_app.command("export")
def export_case(
    case_id: Annotated[str, typer.Argument(help="The case whose documents to write out.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write into.")] = Path("."),
) -> None:
    """Write each document of a case: token (.sd-jwt), JSON, QR (PNG, SVG), card (SVG, PNG, PDF)."""
    from corredor.documents import use_cases
    from corredor.kernel.errors import NotFound

    try:
        exported = use_cases.export_case(_platform(), case_id)
    except NotFound as error:
        raise _fail(str(error)) from None
    out.mkdir(parents=True, exist_ok=True)
    for document in exported:
        base = out / document.number
        for suffix, content in document.files.items():
            separator = "." if suffix in ("sd-jwt", "json") else "-"
            Path(f"{base}{separator}{suffix}").write_bytes(content)
        state = "revoked" if document.revoked else "issued"
        console.print(f"{document.number}  {document.kind}  {state}  -> {base}.*")


COMPARE = "Compare this with the person in front of you."


def _holder_json(document: Credential) -> dict[str, object]:
    return {
        "name": document.holder_name,
        "birth_year": document.birth_year,
        "photo": document.holder_picture,
    }


def _report(verdict: Verdict, as_json: bool, photo_to: Path | None) -> None:
    from corredor.documents.credentials import render
    from corredor.documents.domain.vc import picture_bytes

    document = verdict.credential
    if photo_to is not None and verdict.valid and document and document.holder_picture:
        photo_to.write_bytes(picture_bytes(document.holder_picture))
    if as_json:
        form = render.json_form(document, "", "") if document else None
        if form is not None and document is not None:
            del form["credential"], form["key_id"]
            form["holder"] = _holder_json(document)
        sys.stdout.write(
            json.dumps(
                {
                    "valid": verdict.valid,
                    "reason": verdict.reason and str(verdict.reason),
                    "explanation": verdict.explanation,
                    "document": form,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    if verdict.valid and document is not None:
        console.print(
            f"[bold green]VALID[/] {document.type} {document.number} issued by {document.issuer}; "
            f"valid {document.valid_from} to {document.valid_until}"
            + (f"; {document.travel_mode} via {document.port}" if document.port else "")
        )
        name = document.holder_name or "(name not disclosed)"
        born = f"born {document.birth_year}" if document.birth_year else "birth date not disclosed"
        console.print(f"Holder: {name}, {born}")
        if document.holder_picture is None:
            console.print("Photo: none in this code; ask for photo identification")
        elif photo_to is not None:
            console.print(f"Photo: written to {photo_to}")
        else:
            console.print("Photo: in the code; see it with --photo FILE")
        console.print(f"[bold]{COMPARE}[/]")
        return
    console.print(f"[bold red]INVALID[/] {verdict.reason}: {verdict.explanation}")


def verify(
    document: Annotated[
        str,
        typer.Argument(
            help="The QR content (token), '-' for stdin, or a file: .txt, .json, or a QR image."
        ),
    ],
    *,
    keys: Annotated[Path, typer.Option("--keys", help="Public key bundle (corredor keys export).")],
    status: Annotated[
        Path, typer.Option("--status", help="Status lists (corredor documents status-list).")
    ],
    at: Annotated[
        datetime | None, typer.Option(help="Verify as of this moment (default: now, UTC).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    photo: Annotated[
        Path | None,
        typer.Option(help="Write the holder's photo from a valid code to this file (WebP)."),
    ] = None,
) -> None:
    """Verify a document fully offline. Exit 0 valid, 1 invalid (with the reason), 2 bad input."""
    from corredor.documents.credentials.keys import BundleError, load_bundle
    from corredor.documents.credentials.source import SourceError, read_token
    from corredor.documents.credentials.status import StatusListError, load_status_bundle
    from corredor.documents.credentials.verifier import Verifier

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
    _report(verdict, as_json, photo)
    if not verdict.valid:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.add_typer(documents_app, name="documents")
    app.command("verify")(verify)
