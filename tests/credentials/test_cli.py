"""`corredor keys`, `corredor documents` and `corredor verify`, offline, against a real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corredor.cli.main import app
from corredor.documents.credentials import sd_jwt
from corredor.documents.credentials.keys import PublishedKey, bundle, public_key_text
from corredor.documents.credentials.status import status_bundle
from corredor.documents.domain.vc import DISCLOSED_TO, Audience, picture_bytes
from corredor.kernel.domain.permissions import Role
from tests.credentials.kit import NOW, PICTURE, standard_kit, tvrh_document
from tests.platform.conftest import Api
from tests.platform.journey import ok, walk

runner = CliRunner()


def run(*args: str, url: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"CORREDOR_DATABASE_URL": url})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def exported(api: Api, tmp_path: Path) -> tuple[Api, Path, dict[str, str]]:
    ids = walk(api, "parole_granted")
    url = api.platform.db.url
    code, out = run("documents", "export", ids["case"], "--out", str(tmp_path), url=url)
    assert code == 0, out
    assert run("keys", "export", "--out", str(tmp_path / "keys.json"), url=url)[0] == 0
    status = tmp_path / "status.json"
    assert run("documents", "status-list", "--out", str(status), url=url)[0] == 0
    issued = ok(api.get(f"/cases/{ids['case']}/documents", "inm", Role.INM_OFFICER))
    numbers = {d["type"]: d["number"] for d in issued}
    numbers["case"] = ids["case"]
    return api, tmp_path, numbers


def verify(folder: Path, presented: str, url: str, *extra: str) -> tuple[int, str]:
    keys, status = str(folder / "keys.json"), str(folder / "status.json")
    return run("verify", presented, "--keys", keys, "--status", status, *extra, url=url)


def test_verify_accepts_the_token_a_text_file_json_and_a_qr_image(exported: Any) -> None:
    api, folder, numbers = exported
    url = api.platform.db.url
    base = folder / numbers["travel"]
    token = Path(f"{base}.sd-jwt").read_text().strip()
    for presented in (
        token,
        f"{base}.sd-jwt",
        f"{base}.json",
        f"{base}-qr.png",
        f"{base}-card.png",
    ):
        code, out = verify(folder, presented, url)
        assert code == 0, (presented, out)
        assert "VALID" in out and numbers["travel"] in out
        assert "Compare this with the person in front of you." in out
    code, out = verify(folder, f"{base}.sd-jwt", url, "--json")
    document = json.loads(out)["document"]
    assert document["port"] == "us-fl-mia"
    assert document["holder"]["name"] and document["holder"]["birth_year"] > 1900
    assert Path(f"{base}-card.pdf").read_bytes().startswith(b"%PDF-")
    assert "<svg" in Path(f"{base}-card.svg").read_text()


def test_verify_says_why_not_and_exits_1(exported: Any) -> None:
    api, folder, numbers = exported
    url = api.platform.db.url
    token = Path(f"{folder / numbers['tvrh']}.sd-jwt").read_text().strip()
    code, out = verify(folder, token[:-5], url)
    assert (code, "truncated") == (1, out.split()[1].rstrip(":"))
    code, out = verify(folder, "garbage", url)
    assert code == 1 and "not_a_credential" in out
    code, out = verify(folder, token, url, "--at", "2001-01-01T00:00:00")
    assert code == 1 and "not_yet_valid" in out
    code, out = verify(folder, token, url, "--at", "2999-01-01T00:00:00")
    assert code == 1 and "expired" in out


def test_bad_key_or_status_files_exit_2(exported: Any, tmp_path: Path) -> None:
    api, folder, numbers = exported
    url = api.platform.db.url
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    token = f"{folder / numbers['tvrh']}.sd-jwt"
    code, out = run(
        "verify",
        token,
        "--keys",
        str(tmp_path / "bad.json"),
        "--status",
        str(folder / "status.json"),
        url=url,
    )
    assert code == 2 and "format" in out
    code, out = verify(folder, str(tmp_path / "missing.png"), url)
    assert code == 1  # not a file: read as a token, which it is not


def test_keys_rotate_retire_revoke_from_the_command_line(exported: Any, tmp_path: Path) -> None:
    api, folder, numbers = exported
    url = api.platform.db.url
    code, out = run("keys", "rotate", "--issuer", "CBP", url=url)
    assert code == 0 and "retired" in out, out
    new_kid = out.split("new active key ")[1].split()[0]
    code, out = run("keys", "list", url=url)
    assert new_kid in out and "active" in out
    assert run("keys", "generate", "--issuer", "CBP", url=url)[0] == 2  # one active key only
    assert run("keys", "rotate", "--issuer", "UN", url=url)[0] == 2
    # The travel document was signed under the now retired key: still valid with a new bundle.
    run("keys", "export", "--out", str(folder / "keys.json"), url=url)
    assert verify(folder, f"{folder / numbers['travel']}.sd-jwt", url)[0] == 0
    code, out = run("keys", "revoke", new_kid, "--reason", "test", url=url)
    assert code == 0 and "revoked" in out
    assert run("keys", "revoke", new_kid, "--reason", "again", url=url)[0] == 2
    assert run("keys", "retire", "no-such-key", url=url)[0] == 2


def test_revoked_documents_fail_once_the_status_list_is_refreshed(exported: Any) -> None:
    api, folder, numbers = exported
    url = api.platform.db.url
    docs = ok(api.get(f"/cases/{numbers['case']}/documents", "inm", Role.INM_OFFICER))
    travel = next(d for d in docs if d["number"] == numbers["travel"])
    ok(
        api.post(f"/documents/{travel['id']}/revocation", "cbp", Role.CBP_OFFICER, {"reason": "x"}),
        200,
    )
    token = f"{folder / numbers['travel']}.sd-jwt"
    assert verify(folder, token, url)[0] == 0  # the old list does not know yet
    run("documents", "status-list", "--out", str(folder / "status.json"), url=url)
    code, out = verify(folder, token, url)
    assert code == 1 and "revoked" in out


def test_verify_shows_the_holder_and_writes_their_photo_fully_offline(tmp_path: Path) -> None:
    """No database at all: the key bundle, the status lists and a code whose photo is
    disclosed. The photo written out is the signed thumbnail's bytes."""
    kit = standard_kit()
    token = kit.sign(tvrh_document(holder_picture=PICTURE), "inm-1")
    published = [
        PublishedKey(info, public_key_text(kit.private[k])) for k, info in kit.info.items()
    ]
    (tmp_path / "keys.json").write_text(json.dumps(bundle(published, NOW)))
    lists = {issuer: kit.status_token(issuer, kid) for issuer, kid in (("INM", "inm-1"),)}
    (tmp_path / "status.json").write_text(json.dumps(status_bundle(lists, NOW)))
    photo = tmp_path / "holder.webp"
    at = ("--at", NOW.isoformat())
    code, out = verify(tmp_path, token, "sqlite://", *at, "--photo", str(photo))
    assert code == 0, out
    assert "Holder: Nadège Joseph, born 2017" in out
    assert "Compare this with the person in front of you." in out
    assert photo.read_bytes() == picture_bytes(PICTURE)
    # an employer's presentation: the name only, and the checker is told there is no photo
    employer = sd_jwt.present(token, DISCLOSED_TO[Audience.EMPLOYER])
    code, out = verify(tmp_path, employer, "sqlite://", *at)
    assert code == 0 and "born" not in out and "birth date not disclosed" in out
    assert "Photo: none in this code; ask for photo identification" in out
