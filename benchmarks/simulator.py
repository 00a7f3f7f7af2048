"""Simulator benchmark and validation: Flee's mali2012 (speed and ARD), a one-year corridor
with 1,000,000 people, the calibration fit, and the scenario comparison with confidence intervals.

    .venv/bin/python benchmarks/simulator.py [--seeds 10] [--runs 30] [--repeats 2]
        [--sections flee,million,calibration,comparison] [--write]

The Flee section installs Flee from PyPI into `.cache/flee-venv` (its own environment, never the
project's lock) and runs it beside Corredor's engines, interleaved, on the same input. --write
records the figures in benchmarks/results/simulator.md (sections not run keep their figures).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from corredor.screening.policy_files import load_catalogue
from corredor.simulator.agent_engine import run_agents
from corredor.simulator.calibration import (
    calibration_fits,
    fit_reference_demand,
    held_out_fit,
    read_periods,
)
from corredor.simulator.count_engine import run_count
from corredor.simulator.flee_engine import (
    FleeRun,
    averaged_relative_difference,
    run_flee_agents,
    run_flee_counts,
)
from corredor.simulator.flee_input import read_flee
from corredor.simulator.model import compile_scenario
from corredor.simulator.montecarlo import dask_client, run_many, run_seeds
from corredor.simulator.network import load_network
from corredor.simulator.outputs import mean_ci, totals
from corredor.simulator.scenario import COMPARISON, load_scenario

ROOT = Path(__file__).resolve().parents[1]
FLEE_VENV = ROOT / ".cache" / "flee-venv"
FLEE_VERSION = "3.1"
COMPARED = list(COMPARISON)
MEASURES = [
    "waiting_north",
    "waiting_south",
    "waiting_cdmx",
    "land_port_arrivals",
    "flights",
    "irregular_crossings",
    "apprehensions",
    "smuggling_demand",
    "smuggling_price",
    "smuggler_capacity",
    "moved_north",
    "gave_up",
    "darien_crossings",
    "wait_north_days",
]


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def fmt_ci(values) -> str:
    mean, low, high = mean_ci(np.array(values))
    return f"{mean:.3f} ({low:.3f}–{high:.3f})"


def flee_python() -> Path:
    """Flee from PyPI in its own virtual environment (never in the project's lock)."""
    python = FLEE_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(FLEE_VENV)], check=True)
    probe = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('flee'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.stdout.strip() != FLEE_VERSION:
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", f"flee=={FLEE_VERSION}"], check=True
        )
    return python


def run_flee_peer(python: Path, directory: Path, seed: int, hasten: int) -> tuple[dict, float]:
    """One Flee run in a subprocess; returns its output and the wall-clock seconds."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "flee.json"
        started = time.perf_counter()
        subprocess.run(
            [
                "nice",
                "-n",
                "10",
                str(python),
                str(ROOT / "benchmarks" / "flee_peer.py"),
                str(directory),
                str(out),
                "--seed",
                str(seed),
                "--hasten",
                str(hasten),
                "--sum-from-camps",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
        return json.loads(out.read_text(encoding="utf-8")), seconds


def flee_as_run(output: dict) -> FleeRun:
    return FleeRun(
        {name: np.array(values, dtype=float) for name, values in output["camps"].items()},
        float(output["agent_days"]),
    )


def ards(scenario, run: FleeRun) -> dict[str, float]:
    return {
        "corrected": averaged_relative_difference(scenario, run),
        "corrected, rescaled": averaged_relative_difference(scenario, run, rescaled=True),
        "raw": averaged_relative_difference(scenario, run, raw=True),
        "raw, rescaled": averaged_relative_difference(scenario, run, rescaled=True, raw=True),
    }


def people(scenario) -> int:
    """People a run spawns: the day-0 camp populations and every later day's new people."""
    rules_zero = sum(int(series[0]) for series in scenario.observed_camps.values())
    total = scenario.observed_total
    debt, spawned = 0, 0
    for day in range(1, len(total)):
        rise = int(total[day]) - int(total[day - 1]) - debt
        debt = -rise if rise < 0 else 0
        spawned += max(rise, 0)
    return rules_zero + spawned


def flee_section(
    seeds: int, repeats: int, scenarios: list[tuple[str, int]], lines: list[str]
) -> None:
    python = flee_python()
    lines += [
        "## Flee 3.1 (from PyPI, its own environment) and Corredor, interleaved, same input",
        "",
        "Each repeat runs Flee, then Corredor's count engine, then its agent engine, on the same "
        "scenario directory with the same `hasten` (population scale-down), the same registration "
        "corrections and the same daily new people (the rise of the sum of the corrected camp "
        "series: Flee's `SumFromCamps`). Flee's wall-clock includes starting Python and reading "
        "the input (its simulation loop alone is given apart); Corredor's is one call in this "
        "process. Load average (1 min) read before each run. No figure of Flee is typed in: "
        "every number below is measured in this run.",
        "",
    ]
    for name, hasten in scenarios:
        directory = ROOT / "data" / "flee" / name
        scenario = read_flee(directory, hasten=hasten)
        rows, ard_rows = [], []
        flee_times, count_times, agent_times = [], [], []
        for repeat in range(repeats):
            load = os.getloadavg()[0]
            output, flee_seconds = run_flee_peer(python, directory, repeat, hasten)
            flee_times.append(flee_seconds)
            rows.append(
                f"| {repeat + 1} | Flee {FLEE_VERSION} | {load:.2f} | {flee_seconds:.1f} "
                f"(loop {output['loop_seconds']:.1f}) | {output['agents_at_end']:,} |"
            )
            ard_rows.append(("Flee", repeat, ards(scenario, flee_as_run(output))))
            for label, engine, times in (
                ("count", run_flee_counts, count_times),
                ("agent", run_flee_agents, agent_times),
            ):
                load = os.getloadavg()[0]
                run, seconds = timed(engine, scenario, 1000 + repeat)
                times.append(seconds)
                spawned = people(scenario)
                rows.append(
                    f"| {repeat + 1} | Corredor {label} | {load:.2f} | {seconds:.2f} | "
                    f"{spawned:,} |"
                )
                ard_rows.append((f"Corredor {label}", repeat, ards(scenario, run)))
            print(*rows[-3:], sep="\n")
        flee_median = statistics.median(flee_times)
        lines += [
            f"### {name}, hasten {hasten} (1/{hasten} of the population), {scenario.days} days",
            "",
            "| repeat | engine | load | wall-clock s | people at the end |",
            "|---:|---|---:|---:|---:|",
            *rows,
            "",
            f"Median wall-clock: Flee {flee_median:.1f} s; Corredor count "
            f"{statistics.median(count_times):.2f} s "
            f"(**{flee_median / statistics.median(count_times):.0f}× faster**); agent "
            f"{statistics.median(agent_times):.2f} s "
            f"(**{flee_median / statistics.median(agent_times):.0f}× faster**).",
            "",
            "ARD per run against the same observed series (corrected: after Flee's registration "
            "corrections, as Flee scores itself; raw: the published UNHCR counts):",
            "",
            "| engine | repeat | ARD corrected | rescaled | ARD raw | rescaled |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for engine_name, repeat, values in ard_rows:
            lines.append(
                f"| {engine_name} | {repeat + 1} | {values['corrected']:.3f} | "
                f"{values['corrected, rescaled']:.3f} | {values['raw']:.3f} | "
                f"{values['raw, rescaled']:.3f} |"
            )
        lines += ["", "Settings: " + "; ".join(scenario.settings_report) + ".", ""]
        if scenario.defects:
            lines += ["Input defects reported: " + "; ".join(scenario.defects) + ".", ""]
        engines_agreement(scenario, name, seeds, lines)


def engines_agreement(scenario, name: str, seeds: int, lines: list[str]) -> None:
    """Count and agent engines over many seeds: do they agree within Monte Carlo error?"""
    values: dict[str, list[float]] = {"count": [], "agent": []}
    for child in run_seeds(2012, seeds):
        values["count"].append(
            averaged_relative_difference(scenario, run_flee_counts(scenario, child))
        )
        values["agent"].append(
            averaged_relative_difference(scenario, run_flee_agents(scenario, child))
        )
    count, agent = np.array(values["count"]), np.array(values["agent"])
    se = math.sqrt(count.var(ddof=1) / count.size + agent.var(ddof=1) / agent.size)
    gap = agent.mean() - count.mean()
    lines += [
        f"Count vs agent engine on {name}, {seeds} seeds each (ARD, corrected series): "
        f"count {fmt_ci(count)}, SD {count.std(ddof=1):.4f}; agent {fmt_ci(agent)}, SD "
        f"{agent.std(ddof=1):.4f}; difference {gap:+.4f} = {gap / se:+.1f} standard errors of "
        "the difference.",
        "",
    ]
    print(lines[-2])


def million_section(lines: list[str]) -> None:
    catalogue, network = load_catalogue(), load_network()
    model = compile_scenario(load_scenario("status-quo-2023"), catalogue, network)
    initial = model.initial_south + model.initial_north
    per_day = (1_000_000 - initial) / 365
    share = model.arrivals_per_day / (model.arrivals_per_day + model.arrivals_elsewhere_per_day)
    million = dataclasses.replace(
        model, arrivals_per_day=per_day * share, arrivals_elsewhere_per_day=per_day * (1 - share)
    )
    count_times = [timed(run_count, million, seed)[1] for seed in range(5)]
    series, agent_seconds = timed(run_agents, million, 0)
    people = initial + series["darien_crossings"].sum() + series["joined_elsewhere"].sum()
    lines += [
        "",
        "## One year of the corridor with 1,000,000 people (status-quo-2023 rules)",
        "",
        "| engine | people | seconds per run | target |",
        "|---|---:|---:|---|",
        f"| count | {people:,.0f} | {statistics.median(count_times):.2f} (median of 5) | < 5 s |",
        f"| agent | {people:,.0f} | {agent_seconds:.1f} (one run) | — |",
    ]
    print(*lines[-2:], sep="\n")


def calibration_section(lines: list[str]) -> None:
    catalogue, network = load_catalogue(), load_network()
    model = compile_scenario(load_scenario("status-quo-2023"), catalogue, network)
    fitted, trace = fit_reference_demand(model, runs=8)
    runs = [run_count(fitted, seed) for seed in run_seeds(7, 20)]
    price = np.mean([run["smuggling_price"].mean() for run in runs])
    legal = np.mean([run["legal_share"].mean() for run in runs])
    lines += [
        "",
        "## Calibration (status-quo-2023, 20 runs)",
        "",
        "Fitted: smugglers' reference demand, fixed point "
        + " → ".join(f"{value:.0f}" for value in trace)
        + f" hires a day (file: {model.market.reference_demand:.0f}); mean price then ${price:,.0f} "
        f"(reference ${model.market.reference_price:,.0f}). Mean share of exits by a legal "
        f"pathway {legal:.3f} (behaviour.reference_legal_share in the file: "
        f"{model.choice.reference_legal_share:.3f}; arrivals equal the 2023 figures when the two "
        "agree). These targets are inputs of the status quo, so their fit is a consistency "
        "check, not a validation.",
        "",
        "| target | observed | simulated (95% CI) | relative error |",
        "|---|---:|---:|---:|",
    ]
    for fit in calibration_fits(fitted, runs):
        lines.append(
            f"| {fit.target} | {fit.observed:,.0f} | {fit.simulated:,.0f} ({fit.ci_low:,.0f}–{fit.ci_high:,.0f}) | {fit.relative_error:+.1%} |"
        )
    print(*lines[-7:], sep="\n")


def heldout_section(lines: list[str]) -> None:
    catalogue, network = load_catalogue(), load_network()
    model = compile_scenario(load_scenario("status-quo-2023"), catalogue, network)
    fit = held_out_fit(model, read_periods(), date(2023, 6, 30), runs=3)
    lines += [
        "## Held-out calibration: Darién crossings by month, 2023 (data/observed/)",
        "",
        "Fitted on January-June (the level of arrivals and behaviour.magnet_legal_elasticity, "
        "grid 0-0.5), scored on July-December, which the fit never saw. Source: Panama's SNM "
        "and Minseg as quoted in the press (citations in the data file); August-September is "
        "one derived two-month figure.",
        "",
        f"Fitted elasticity {fit.elasticity:g}"
        + (" (the edge of its stated range)" if fit.elasticity >= 0.5 else "")
        + f", level × {fit.level:.3f}; mean absolute percentage error **{fit.train_error:.0%} "
        f"in sample, {fit.test_error:.0%} out of sample**.",
        "",
        "| months | observed | simulated | held out |",
        "|---|---:|---:|---|",
    ]
    for period, simulated, held in fit.rows:
        lines.append(
            f"| {period.start:%Y-%m} to {period.end:%Y-%m} | {period.observed:,.0f} | "
            f"{simulated:,.0f} | {'yes' if held else 'no'} |"
        )
    lines += [
        "",
        "The model has no driver of the second-half surge (the end of Title 42 in May 2023 and "
        "seasonality are not in it), so the out-of-sample error is what a constant demand with "
        "a magnet response achieves; the behavioural choice weights are not fitted to outcomes "
        "(no sourced monthly series of US encounters, CBP One appointments or TVRH issuance is "
        "bundled yet).",
        "",
    ]
    print(*lines[-len(fit.rows) - 8 :], sep="\n")


def comparison_section(runs: int, lines: list[str]) -> None:
    catalogue, network = load_catalogue(), load_network()
    results = {}
    scenarios = {name: load_scenario(name) for name in COMPARED}
    burn_in = scenarios[COMPARED[0]].burn_in_days
    with dask_client(workers=2) as client:
        for name in COMPARED:
            model = compile_scenario(scenarios[name], catalogue, network)
            series, seconds = timed(lambda m=model: run_many(m, runs, 2023, client=client))
            results[name] = (series, seconds)
    first = scenarios[COMPARED[0]]
    lines += [
        f"## Scenarios compared ({runs} runs each on a local Dask cluster, mean and 95% CI)",
        "",
        f"Every scenario starts {first.start}, runs {first.days} days, and the first {burn_in} "
        "days are a burn-in (the transient, from the shared starting stocks). Steady state: "
        f"the last {first.days - burn_in} days. Flows are people per year of the steady state; "
        "stocks (waiting) are mean people over its days; the price is the mean US dollars per "
        "smuggled crossing; smuggler capacity is crossings a day.",
        "",
    ]
    for label, start, end in (
        ("Steady state", burn_in, None),
        ("Transient (burn-in year)", 0, burn_in),
    ):
        lines += [
            f"### {label}",
            "",
            "| measure | " + " | ".join(COMPARED) + " |",
            "|---" * (len(COMPARED) + 1) + "|",
        ]
        for measure in MEASURES:
            cells = []
            for name in COMPARED:
                values = [totals(s, start, end)[measure] for s in results[name][0]]
                mean, low, high = mean_ci(np.array(values))
                cells.append(
                    "– (no one served)"
                    if math.isnan(mean)
                    else f"{mean:,.0f} ({low:,.0f}–{high:,.0f})"
                )
            lines.append(f"| {measure} | " + " | ".join(cells) + " |")
        lines.append("")
    growth = []
    for name in COMPARED:
        ends = [s["waiting_north"][-1] - s["waiting_north"][-91] for s in results[name][0]]
        south = [s["waiting_south"][-1] - s["waiting_south"][-91] for s in results[name][0]]
        growth.append(f"{name}: north {np.mean(ends):+,.0f}, south {np.mean(south):+,.0f}")
    lines += [
        "Change in people waiting over the last 90 days (a queue still growing is not at a "
        "steady state): " + "; ".join(growth) + ".",
        "",
        "| seconds for all runs | " + " | ".join(f"{results[n][1]:.1f}" for n in COMPARED) + " |",
        "|---" * (len(COMPARED) + 1) + "|",
    ]
    print(*lines, sep="\n")


SECTIONS = ("flee", "million", "calibration", "heldout", "comparison")
MARK = "<!-- section: {} -->"


def write_sections(path: Path, header: list[str], sections: dict[str, list[str]]) -> None:
    """Replace the sections run now; keep the others as they were in the file."""
    kept: dict[str, list[str]] = {}
    if path.is_file():
        current, name = [], None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("<!-- section: "):
                name = line.removeprefix("<!-- section: ").removesuffix(" -->")
                current = kept.setdefault(name, [])
                continue
            if name is not None:
                current.append(line)
    body = list(header)
    for name in SECTIONS:
        lines = sections.get(name, kept.get(name))
        if lines is not None:
            body += [MARK.format(name), *lines]
    path.write_text("\n".join(body).rstrip() + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=2, help="interleaved Flee/Corredor runs")
    parser.add_argument("--venezuela-hasten", type=int, default=100)
    parser.add_argument("--skip-venezuela", action="store_true")
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    chosen = [name for name in args.sections.split(",") if name]
    header = [
        "# Simulator benchmark",
        "",
        "`.venv/bin/python benchmarks/simulator.py --write` (each section below names the command "
        "and the load average it ran under; figures on a shared machine need the load beside them).",
        "",
    ]
    sections: dict[str, list[str]] = {}
    for name in chosen:
        lines = [
            "",
            f"_Section `{name}`: `benchmarks/simulator.py {' '.join(sys.argv[1:])}` on "
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"NumPy {np.__version__}, load average {os.getloadavg()[0]:.2f} at its start, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}._",
            "",
        ]
        if name == "flee":
            mali_hasten = int(
                read_flee(ROOT / "data" / "flee" / "flee-mali2012").settings["hasten"]
            )
            scenarios = [("flee-mali2012", mali_hasten)]
            if not args.skip_venezuela:
                scenarios.append(("flee-venezuela2022", args.venezuela_hasten))
            flee_section(args.seeds, args.repeats, scenarios, lines)
        elif name == "million":
            million_section(lines)
        elif name == "calibration":
            calibration_section(lines)
        elif name == "heldout":
            heldout_section(lines)
        elif name == "comparison":
            comparison_section(args.runs, lines)
        sections[name] = lines
    if args.write:
        path = ROOT / "benchmarks" / "results" / "simulator.md"
        write_sections(path, header, sections)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
