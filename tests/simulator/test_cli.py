from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from corredor.cli.main import app
from corredor.simulator.scenario import default_scenario_dir
from tests.simulator.conftest import SMALL

runner = CliRunner()


@pytest.fixture
def two_scenarios(tmp_path: Path) -> tuple[Path, Path]:
    base = default_scenario_dir() / "joint-corridor-families-first.yaml"
    small = tmp_path / "small-corridor.yaml"
    small.write_text(SMALL.format(base=base))
    wider = tmp_path / "small-wider.yaml"
    wider.write_text(
        f"extends: {small}\nid: small-wider\n"
        "capacities:\n  parole_interviews_per_day: {value: 40, assumption: test}\n"
    )
    return small, wider


def test_simulate_writes_daily_series_for_every_run(
    tmp_path: Path, two_scenarios: tuple[Path, Path]
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["simulate", str(two_scenarios[0]), "--runs", "2", "--seed", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_parquet(out / "series.parquet")
    assert frame.height == 2 * 120 and set(frame["run"]) == {0, 1}
    assert "smuggling_price" in frame.columns
    totals = pl.read_csv(out / "totals.csv")
    assert set(totals["series"]) >= {"waiting_north", "smuggling_demand", "flights"}
    units = dict(zip(totals["series"], totals["unit"], strict=True))
    assert units["smuggling_demand"] == "people per year"
    assert units["waiting_north"] == "mean over the days"
    daily = pl.read_csv(out / "daily.csv")
    assert daily.height == 120 and "waiting_north_p95" in daily.columns


def test_compare_writes_a_report_with_plots(
    tmp_path: Path, two_scenarios: tuple[Path, Path]
) -> None:
    out = tmp_path / "cmp"
    result = runner.invoke(
        app,
        [
            "simulate",
            "compare",
            str(two_scenarios[0]),
            str(two_scenarios[1]),
            "--runs",
            "2",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text()
    assert "small-corridor" in page and "small-wider" in page
    assert "<strong>assumption</strong>" in page and "source:" in page
    # every outcome seed 000 makes a claim about, southern waiting included, with a direction
    for claim in ("northern border", "southern border", "land-port arrivals", "smuggling prices"):
        assert claim in page
    assert (
        page.count("seed 000 expects")
        + page.count("contradicts seed 000")
        + page.count("no change")
        >= 6
    )
    # units: annual flows are not labelled per day in the table
    assert "people per year" in page and "(per day)<br>" not in page
    for png in ("waiting_north.png", "smuggling_price.png", "cbp_workload.png"):
        assert (out / png).stat().st_size > 5000
        assert f"src='{png}'" in page
    assert (out / "small-wider" / "series.parquet").is_file()


def test_unknown_scenario_is_an_error_naming_the_known_ones() -> None:
    result = runner.invoke(app, ["simulate", "atlantis"])
    assert result.exit_code == 2
    assert "status-quo-2023" in result.output


def test_validate_reports_ard_and_defects(tmp_path: Path) -> None:
    mali = Path(__file__).resolve().parents[2] / "data" / "flee" / "flee-mali2012"
    result = runner.invoke(
        app, ["simulate", "validate", str(mali), "--runs", "1", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "ARD (corrected series" in result.output and "ARD rescaled:" in result.output
    text = (tmp_path / "flee-mali2012-ard.txt").read_text()
    assert text.startswith("ARD (corrected series, as Flee scores itself): 0.")
    assert "ARD against the raw published series: 0." in text
    assert "setting: optimisations.hasten = 10: honoured" in text


def test_sensitivity_writes_intervals_and_a_tornado_per_outcome(
    tmp_path: Path, two_scenarios: tuple[Path, Path]
) -> None:
    out = tmp_path / "sens"
    result = runner.invoke(
        app,
        [
            "simulate",
            "sensitivity",
            str(two_scenarios[0]),
            "--days",
            "60",
            "--burn-in",
            "20",
            "--sobol-n",
            "2",
            "--top",
            "2",
            "--draws",
            "4",
            "--seed",
            "3",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = (out / "sensitivity.md").read_text()
    assert "with parameter uncertainty" in text and "Morris" in text and "Sobol" in text
    for outcome in ("waiting_north", "waiting_south", "smuggling_demand", "smuggling_price"):
        assert (out / f"tornado-{outcome}.svg").read_text().lstrip().startswith("<?xml")
        assert (out / f"tornado-{outcome}.png").stat().st_size > 0


def test_sensitivity_refuses_a_sobol_sample_that_is_not_a_power_of_two(
    two_scenarios: tuple[Path, Path],
) -> None:
    result = runner.invoke(
        app, ["simulate", "sensitivity", str(two_scenarios[0]), "--sobol-n", "6"]
    )
    assert result.exit_code == 2 and "power of 2" in result.output


def test_the_simulate_command_module_imports_no_heavy_library() -> None:
    """`corredor --help` must stay light: the simulator is imported inside the commands."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys, corredor.cli.simulate; "
        "print(sorted(m for m in ('polars', 'numpy', 'dask', 'matplotlib', 'SALib', 'scipy') "
        "if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"
