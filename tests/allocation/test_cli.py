"""`corredor allocate`, `allocate-seed` and `allocate --verify` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from corredor.allocation.domain.lottery import commitment
from corredor.cli.main import app

runner = CliRunner()
SEED = bytes(range(32))
CAPACITY = """\
capacity:
  - site: mx-cmx-assisted-site
    from: 2026-03-02
    until: 2026-03-04
    seats: 4
    quotas: {phase-1: 2}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_requests(path: Path, count: int = 40) -> None:
    rows = [
        {
            "request_id": f"req-{n:03d}",
            "site": "mx-cmx-assisted-site",
            "people": ";".join(f"p{n}-{m}" for m in range(1 + n % 3)),
            "waiting_since": f"2025-{1 + n % 12:02d}-15",
            "cohort": ("phase-1", "phase-2", "phase-3")[n % 3] if n % 5 else "phase-1",
            "urgent": n % 17 == 0,
        }
        for n in range(count)
    ]
    pl.DataFrame(rows).write_csv(path)


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A finished run: requests, capacity, revealed seed, results and record."""
    write_requests(tmp_path / "requests.csv")
    (tmp_path / "capacity.yaml").write_text(CAPACITY)
    (tmp_path / "seed.hex").write_text(SEED.hex())
    code, out, err = run(
        "allocate",
        str(tmp_path / "requests.csv"),
        "--capacity",
        str(tmp_path / "capacity.yaml"),
        "--seed-file",
        str(tmp_path / "seed.hex"),
        "--commitment",
        commitment(SEED),
        "--as-of",
        "2026-03-01",
        "--out",
        str(tmp_path / "run"),
    )
    assert code == 0, err
    assert "long_wait" in out
    return tmp_path / "run" / "run.json"


def test_allocate_writes_results_and_a_publishable_record(published: Path) -> None:
    record = json.loads(published.read_text())
    assert record["seed_commitment"] == commitment(SEED)
    assert record["seed"] == SEED.hex()
    assert record["rule"]["version"] == "corredor-allocation/1"
    assert "req-" not in published.read_text()  # counts only, no ids
    results = pl.read_parquet(published.parent / "results.parquet")
    seated = results.filter(pl.col("status") == "assigned")
    assert seated["seats"].sum() <= 12
    assert record["assigned_requests"] == seated.height
    assert sum(c["assigned_requests"] for c in record["counts"]) == seated.height
    per_day = seated.group_by("day").agg(pl.col("seats").sum())
    assert per_day["seats"].max() <= 4


def test_verify_reports_a_match(published: Path) -> None:
    code, out, _ = run("allocate", "--verify", str(published))
    assert code == 0
    assert "match" in out


def test_verify_detects_a_changed_seed(published: Path) -> None:
    record = json.loads(published.read_text())
    record["seed"] = bytes(32).hex()
    published.write_text(json.dumps(record))
    code, _, err = run("allocate", "--verify", str(published))
    assert code == 1
    assert "revealed seed does not match the committed SHA-256" in err
    assert "first mismatch: request req-" in err


def test_verify_detects_a_changed_request_list(published: Path) -> None:
    requests = published.parent.parent / "requests.csv"
    frame = pl.read_csv(requests)
    frame.filter(pl.col("request_id") != frame["request_id"][3]).write_csv(requests)
    code, _, err = run("allocate", "--verify", str(published))
    assert code == 1
    assert "requests_sha256" in err
    assert "first mismatch" in err or "different digest" in err


def test_a_person_in_two_requests_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "request_id,site,people,waiting_since\na,s,x;y,2026-01-01\nb,s,y,2026-01-02\n"
    )
    (tmp_path / "c.yaml").write_text(CAPACITY)
    (tmp_path / "seed.hex").write_text(SEED.hex())
    code, _, err = run(
        "allocate",
        str(tmp_path / "r.csv"),
        "--capacity",
        str(tmp_path / "c.yaml"),
        "--seed-file",
        str(tmp_path / "seed.hex"),
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2
    assert "person y is in requests a, b" in err


@pytest.mark.parametrize(
    ("requests", "capacity", "message"),
    [
        ("request_id,site,people\na,s,x\n", CAPACITY, "missing column(s): waiting_since"),
        (
            "request_id,site,people,waiting_since\na,s,x,March\n",
            CAPACITY,
            "row 1: waiting_since: missing or invalid value 'March'",
        ),
        (
            "request_id,site,people,waiting_since,urgent\na,s,x,2026-01-01,maybe\n",
            CAPACITY,
            "row 1: urgent",
        ),
        (
            "request_id,site,people,waiting_since\na,s,x,2026-01-01\n",
            "capacity:\n  - site: s\n    from: 2026-03-02\n    seats: many\n",
            "capacity.0.seats",
        ),
        (
            "request_id,site,people,waiting_since\na,s,x,2026-01-01\n",
            "capacity:\n  - site: s\n    from: 2026-03-02\n    seats: 1\n    quotas: {phase-1: 2}\n",
            "quotas: more seats reserved",
        ),
    ],
)
def test_bad_input_names_the_field(
    tmp_path: Path, requests: str, capacity: str, message: str
) -> None:
    (tmp_path / "r.csv").write_text(requests)
    (tmp_path / "c.yaml").write_text(capacity)
    (tmp_path / "seed.hex").write_text(SEED.hex())
    code, _, err = run(
        "allocate",
        str(tmp_path / "r.csv"),
        "--capacity",
        str(tmp_path / "c.yaml"),
        "--seed-file",
        str(tmp_path / "seed.hex"),
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_wrong_commitment_and_seed_file_are_refused(tmp_path: Path) -> None:
    write_requests(tmp_path / "r.csv", 3)
    (tmp_path / "c.yaml").write_text(CAPACITY)
    (tmp_path / "seed.hex").write_text(SEED.hex())
    args = [
        "allocate",
        str(tmp_path / "r.csv"),
        "--capacity",
        str(tmp_path / "c.yaml"),
        "--seed-file",
        str(tmp_path / "seed.hex"),
    ]
    code, _, err = run(*args, "--commitment", "0" * 64)
    assert code == 2 and "--commitment" in err
    (tmp_path / "seed.hex").write_text("abc")
    code, _, err = run(*args)
    assert code == 2 and "seed" in err


def test_allocate_seed_writes_a_secret_and_prints_its_hash(tmp_path: Path) -> None:
    code, out, _ = run("allocate-seed", str(tmp_path / "seed.hex"))
    assert code == 0
    seed = bytes.fromhex((tmp_path / "seed.hex").read_text())
    assert commitment(seed) in out.replace("\n", "")
    assert (tmp_path / "seed.hex").stat().st_mode & 0o077 == 0
    code, _, err = run("allocate-seed", str(tmp_path / "seed.hex"))
    assert code == 2 and "already exists" in err
