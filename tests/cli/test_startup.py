"""`corredor --help` and `corredor screen` start without the heavy libraries: each command loads
what it needs when it runs (the CPU each takes is measured in benchmarks/cli.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("polars", "matplotlib", "dask", "fastapi", "sqlalchemy", "numpy", "uvicorn", "httpx")
PROFILE = Path(__file__).resolve().parents[2] / "examples" / "profiles"

# Runs the real entry point in a fresh interpreter, then reports which heavy modules it loaded.
PROBE = """
import json, sys
from corredor.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def loaded_by(*arguments: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_help_loads_no_heavy_library() -> None:
    assert loaded_by("--help") == []


@pytest.mark.parametrize("command", ["simulate", "allocate", "verify", "serve", "tvrh"])
def test_each_commands_help_loads_no_heavy_library(command: str) -> None:
    assert loaded_by(command, "--help") == []


def test_screening_one_person_loads_no_heavy_library() -> None:
    assert loaded_by("screen", str(PROFILE / "haitian-family-chiapas.json")) == []


def test_the_probe_sees_a_heavy_library_when_one_is_loaded() -> None:
    # The probe itself must be able to fail: screening a table needs Polars, so it loads it.
    assert "polars" in loaded_by("screen-bulk", "missing.csv", "out.parquet")
