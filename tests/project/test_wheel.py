"""The built wheel works outside the checkout: `corredor policy check` and `corredor screen` find
the policies and example profiles that travel inside it (corredor.kernel.resources)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from this tree and installed into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work), str(ROOT)],
        check=True,
    )
    (wheel,) = work.glob("corredor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "corredor/_shipped/policies/mx-tvrh/2011-05-25.yaml" in names
    assert "corredor/data/demo/portrait.jpg" in names  # the demo holder's photo
    target = work / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    return target


def corredor(installed: Path, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The installed copy comes first on the path; the dependencies come from this environment.
    environment = {**os.environ, "PYTHONPATH": str(installed)}
    program = "import sys, corredor; print('from', corredor.__file__, file=sys.stderr)\n"
    program += "from corredor.cli.main import app; app(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", program, *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
    )


def test_policy_check_runs_from_the_wheel_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    done = corredor(installed, "policy", "check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"from {installed}" in done.stderr  # not the checkout's copy
    assert "policy files are valid" in done.stdout


def test_screen_runs_from_the_wheel_on_a_shipped_example(installed: Path, tmp_path: Path) -> None:
    profile = installed / "corredor" / "_shipped" / "examples" / "profiles"
    example = sorted(profile.glob("*.json"))[0]
    done = corredor(
        installed, "screen", str(example), "--json", "--as-of", "2026-12-01", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert '"results"' in done.stdout
