"""Simulator benchmark and validation: Flee's mali2012 (speed and ARD), a one-year corridor
with 1,000,000 people, the calibration fit, and the scenario comparison with confidence intervals.

    .venv/bin/python benchmarks/simulator.py [--seeds 30] [--runs 30] [--write]

--write records the figures in benchmarks/results/simulator.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from corredor.policy_files import load_catalogue
from corredor.simulator.agent_engine import run_agents
from corredor.simulator.calibration import calibration_fits, fit_reference_demand
from corredor.simulator.count_engine import run_count
from corredor.simulator.flee_engine import (
    averaged_relative_difference,
    run_flee_agents,
    run_flee_counts,
)
from corredor.simulator.flee_input import read_flee
from corredor.simulator.model import compile_scenario
from corredor.simulator.montecarlo import dask_client, run_many, run_seeds
from corredor.simulator.network import load_network
from corredor.simulator.outputs import mean_ci, totals
from corredor.simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
FLEE_RATE = 1.07e5  # agent-days/s, Flee on mali2012 (data/flee/README.md)
FLEE_ARD = {"flee-mali2012": (0.35, 0.30), "flee-venezuela2022": (0.84, 1.16)}
COMPARED = [
    "status-quo-2023",
    "joint-corridor",
    "joint-corridor-families-first",
    "joint-corridor-half-capacity",
    "joint-corridor-double-capacity",
    "joint-corridor-moved-appointments",
]
MEASURES = [
    "waiting_north",
    "waiting_south",
    "waiting_cdmx",
    "land_port_arrivals",
    "flights",
    "irregular_crossings",
    "smuggling_demand",
    "smuggling_price",
    "wait_north_days",
]


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def fmt_ci(values) -> str:
    mean, low, high = mean_ci(np.array(values))
    return f"{mean:.3f} ({low:.3f}–{high:.3f})"


def flee_section(seeds: int, lines: list[str]) -> None:
    lines += [
        "## Flee's scenarios (Flee's rules on Flee's input)",
        "",
        "| scenario | engine | agent-days | seconds (median of 3) | agent-days/s | × Flee (1.07e5/s) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    mali = read_flee(ROOT / "data" / "flee" / "flee-mali2012")
    for name, engine in (("count", run_flee_counts), ("agent", run_flee_agents)):
        times, run = [], None
        for seed in range(3):
            run, seconds = timed(engine, mali, seed)
            times.append(seconds)
        median = statistics.median(times)
        rate = run.agent_days / median
        lines.append(
            f"| flee-mali2012 | {name} | {run.agent_days:.3g} | {median:.2f} | {rate:.3g} | {rate / FLEE_RATE:,.0f}× |"
        )
        print(lines[-1])
    lines += [
        "",
        f"### ARD against the observed camp data, {seeds} seeds (95% CI of the mean)",
        "",
        "| scenario | ARD | ARD rescaled | Flee's ARD (rescaled) | input defects reported |",
        "|---|---:|---:|---:|---|",
    ]
    for name in ("flee-mali2012", "flee-venezuela2022"):
        scenario = read_flee(ROOT / "data" / "flee" / name)
        plain, rescaled = [], []
        for seed in run_seeds(2012, seeds):
            run = run_flee_counts(scenario, seed)
            plain.append(averaged_relative_difference(scenario, run))
            rescaled.append(averaged_relative_difference(scenario, run, rescaled=True))
        flee = FLEE_ARD[name]
        defects = "<br>".join(scenario.defects) or "none"
        lines.append(
            f"| {name} | {fmt_ci(plain)} | {fmt_ci(rescaled)} | {flee[0]} ({flee[1]}) | {defects} |"
        )
        print(lines[-1])


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
    lines += [
        "",
        "## Calibration (status-quo-2023, 20 runs)",
        "",
        "Fitted: smugglers' reference demand, fixed point "
        + " → ".join(f"{value:.0f}" for value in trace)
        + f" hires a day (file: {model.market.reference_demand:.0f}); mean price then ${price:,.0f} "
        f"(reference ${model.market.reference_price:,.0f}).",
        "",
        "| target | observed | simulated (95% CI) | relative error |",
        "|---|---:|---:|---:|",
    ]
    for fit in calibration_fits(fitted, runs):
        lines.append(
            f"| {fit.target} | {fit.observed:,.0f} | {fit.simulated:,.0f} ({fit.ci_low:,.0f}–{fit.ci_high:,.0f}) | {fit.relative_error:+.1%} |"
        )
    print(*lines[-7:], sep="\n")


def comparison_section(runs: int, lines: list[str]) -> None:
    catalogue, network = load_catalogue(), load_network()
    results = {}
    with dask_client(workers=2) as client:
        for name in COMPARED:
            model = compile_scenario(load_scenario(name), catalogue, network)
            series, seconds = timed(lambda m=model: run_many(m, runs, 2023, client=client))
            results[name] = ([totals(s) for s in series], seconds)
    lines += [
        "",
        f"## Scenarios compared ({runs} runs each on a local Dask cluster, mean and 95% CI)",
        "",
        "Flows are totals over the scenario (families-first runs 730 days, the others 365); "
        "waiting and price are means over the days.",
        "",
        "| measure | " + " | ".join(COMPARED) + " |",
        "|---" * (len(COMPARED) + 1) + "|",
    ]
    for measure in MEASURES:
        cells = []
        for name in COMPARED:
            mean, low, high = mean_ci(np.array([t[measure] for t in results[name][0]]))
            # a mean wait with no one served is undefined, not zero
            cells.append(
                "– (no one served)" if math.isnan(mean) else f"{mean:,.0f} ({low:,.0f}–{high:,.0f})"
            )
        lines.append(f"| {measure} | " + " | ".join(cells) + " |")
    lines.append(
        "| seconds for all runs | " + " | ".join(f"{results[n][1]:.1f}" for n in COMPARED) + " |"
    )
    print(*lines[-len(MEASURES) - 2 :], sep="\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    lines = [
        "# Simulator benchmark",
        "",
        f"`.venv/bin/python benchmarks/simulator.py --seeds {args.seeds} --runs {args.runs} --write` "
        f"on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, load average {os.getloadavg()[0]:.2f} at the start "
        "(figures on a shared machine need the load beside them).",
        "",
    ]
    flee_section(args.seeds, lines)
    million_section(lines)
    calibration_section(lines)
    comparison_section(args.runs, lines)
    if args.write:
        path = ROOT / "benchmarks" / "results" / "simulator.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
