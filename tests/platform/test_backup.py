"""`corredor db backup` and `db restore` on SQLite and PostgreSQL: a journey, a backup, more work,
a restore; the later work is gone, the earlier readable, every table matches the manifest and the
audit chain verifies. A backup made under other keys, a damaged manifest and a file that is no
backup are refused with one line."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.kernel.backup import MANIFEST
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import BACKENDS, Api, Databases, build_platform
from tests.platform.journey import walk


@dataclass
class Deployment:
    api: Api
    url: str

    def run(self, *args: str, **env: str) -> tuple[int, str]:
        answer = CliRunner().invoke(cli, list(args), env={"CORREDOR_DATABASE_URL": self.url} | env)
        return answer.exit_code, answer.output

    def case_status(self, case_id: str) -> int:
        return int(self.api.get(f"/cases/{case_id}", "inm", Role.INM_OFFICER).status_code)


@pytest.fixture(params=BACKENDS)
def deployment(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Deployment]:
    url = databases.new(request.param)
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield Deployment(Api(client=client, platform=platform), url)
    platform.db.dispose()


def rewrite_manifest(source: Path, target: Path, change: dict[str, object]) -> None:
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name == MANIFEST:
                content = json.dumps(json.loads(content) | change).encode()
                member.size = len(content)
            new.addfile(member, io.BytesIO(content))


def test_a_restore_brings_back_the_backup_and_drops_later_work(
    deployment: Deployment, tmp_path: Path
) -> None:
    kept = walk(deployment.api, "tvrh_issued")["case"]
    file = tmp_path / "corredor.tar.gz"
    code, output = deployment.run("db", "backup", str(file))
    assert code == 0, output
    assert "audit entries" in output
    later = walk(deployment.api, "tvrh_issued", applicant="later")["case"]
    assert deployment.case_status(later) == 200

    deployment.api.platform.db.dispose()  # the server is stopped for a restore
    code, output = deployment.run("db", "restore", str(file), "--yes")
    assert code == 0, output
    assert "audit log intact" in output
    deployment.api.platform.db.dispose()

    assert deployment.case_status(later) == 404
    case = deployment.api.get(f"/cases/{kept}", "inm", Role.INM_OFFICER).json()
    assert "Marie-Claude Joseph" in [p["name"] for p in case["persons"]]  # sealed data reads
    code, output = deployment.run("audit", "verify")
    assert code == 0, output


def test_a_backup_from_another_deployments_keys_is_refused(
    deployment: Deployment, tmp_path: Path
) -> None:
    file = tmp_path / "theirs.tar.gz"
    assert deployment.run("db", "backup", str(file))[0] == 0
    code, output = deployment.run(
        "db", "restore", str(file), "--yes", CORREDOR_LOOKUP_KEY="another-deployment-lookup"
    )
    assert code == 1
    assert "keys this deployment does not hold: lookup" in output


def test_a_manifest_that_does_not_match_the_data_fails_the_restore_check(
    deployment: Deployment, tmp_path: Path
) -> None:
    walk(deployment.api, "registered")
    file, damaged = tmp_path / "good.tar.gz", tmp_path / "damaged.tar.gz"
    assert deployment.run("db", "backup", str(file))[0] == 0
    with tarfile.open(file, "r:gz") as archive:
        manifest_file = archive.extractfile(MANIFEST)
        assert manifest_file is not None
        tables = json.loads(manifest_file.read())["tables"]
    rewrite_manifest(file, damaged, {"tables": tables | {"cases": tables["cases"] + 1}})
    deployment.api.platform.db.dispose()
    code, output = deployment.run("db", "restore", str(damaged), "--yes")
    assert code == 1
    assert "do not match the backup" in output and "cases" in output


def test_a_file_that_is_no_backup_is_refused_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    answer = CliRunner().invoke(cli, ["db", "restore", str(junk), "--yes"])
    assert answer.exit_code == 1
    assert "is not a Corredor backup" in answer.output
    assert "Traceback" not in answer.output
