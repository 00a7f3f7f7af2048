"""Global sensitivity analysis over every assumption-marked parameter of a scenario.

1. Morris screening (elementary effects, Morris 1991; Campolongo et al. 2007) over every
   parameter labelled `assumption`, each varied over its stated `range` (half to one and a half
   times its value when no range is stated): mu* ranks what matters for each headline outcome.
2. Sobol indices (Saltelli 2002; Jansen 1999 for the total index) on the few parameters that
   matter most, the others held at their values: the share of each outcome's variance each one
   explains alone (S1) and with its interactions (ST).
3. Intervals that include parameter uncertainty: the outcomes of runs with every assumption drawn
   uniformly from its range and a different seed each (so Monte Carlo noise is in too), as the
   5th-95th percentile, beside the Monte Carlo-only interval at the stated values.
4. A tornado per headline outcome: the outcome with each top parameter at the low and the high
   end of its range, the others at their values.

Every run is a count-engine run, submitted to Dask (the same path as the Monte Carlo sweeps).
Outcomes are steady-state means (people waiting, price) or yearly rates (flows) after the
scenario's burn-in. SALib does the sampling and the analysis.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from dask.distributed import Client
from SALib.analyze import morris as morris_analyze  # type: ignore[import-untyped]
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample  # type: ignore[import-untyped]
from SALib.sample import sobol as sobol_sample

from corredor.screening.domain.catalogue import Catalogue
from corredor.simulator.count_engine import run_count
from corredor.simulator.model import compile_scenario
from corredor.simulator.network import Network
from corredor.simulator.outputs import totals
from corredor.simulator.scenario import Capacity, Param, Scenario

# the outcomes seed 000 makes claims about, with their units
OUTCOMES: dict[str, str] = {
    "waiting_north": "people waiting in northern border cities (mean over the steady state)",
    "waiting_south": "people waiting in southern Mexico (mean over the steady state)",
    "land_port_arrivals": "arrivals at US land ports (people per year)",
    "smuggling_demand": "people hiring a smuggler (per year)",
    "smuggling_price": "smuggling price (US dollars, mean over the steady state)",
}
FLOWS = {"land_port_arrivals", "smuggling_demand"}


@dataclass(frozen=True)
class Settings:
    trajectories: int = 2  # Morris
    levels: int = 4
    top: int = 3  # parameters given Sobol indices
    sobol_n: int = 4  # Saltelli base sample (a power of 2)
    draws: int = 8  # runs for the interval with parameter uncertainty
    tornado: int = 5  # parameters per tornado
    # the default analysis is a quick one: 240 days with a 120-day burn-in (days=None keeps
    # the scenario's own horizon, at about three times the time)
    days: int | None = 240
    burn_in: int | None = 120
    sample_size: int = 2000  # synthetic people for the eligibility groups
    seed: int = 2023


@dataclass(frozen=True)
class Result:
    scenario: str
    names: list[str]
    bounds: list[tuple[float, float]]
    base: dict[str, float]  # stated values
    morris: dict[str, dict[str, list[float]]]  # outcome -> mu_star, sigma, mu_star_conf
    sobol_names: list[str]
    sobol: dict[str, dict[str, list[float]]]  # outcome -> S1, ST, S1_conf, ST_conf
    intervals: dict[str, tuple[float, float, float]]  # with parameter uncertainty: p05, p50, p95
    noise: dict[str, tuple[float, float, float]]  # Monte Carlo only, stated values
    tornado: dict[str, list[tuple[str, float, float]]]  # outcome -> (parameter, low, high)
    reference: dict[str, float]  # the outcome at the stated values (one seed)
    runs: int
    days: int
    burn_in: int


def assumptions(scenario: Scenario) -> list[tuple[str, tuple[float, float], float]]:
    """Every assumption-marked number with its range and stated value."""
    found = []
    for name, parameter in scenario.parameters():
        if isinstance(parameter, Param) and parameter.assumption is not None:
            found.append((name, parameter.bounds(), parameter.value))
        elif (
            isinstance(parameter, Capacity)
            and parameter.value is not None
            and parameter.assumption is not None
        ):
            value = parameter.value * parameter.multiplier
            bounds = (0.5 * value, 1.5 * value) if value > 0 else (0.0, 1.0)
            found.append((name, bounds, value))
    return found


def with_values(
    raw: dict[str, Any], values: dict[str, float], settings: Settings
) -> dict[str, Any]:
    """A scenario's data with some parameters set (and the analysis' horizon)."""
    data = {key: (dict(value) if isinstance(value, dict) else value) for key, value in raw.items()}
    for dotted, value in values.items():
        section, name = dotted.split(".")
        block = dict(data[section])
        entry = dict(block[name])
        if entry.get("multiplier") not in (None, 1, 1.0):
            entry["multiplier"] = 1.0
        low, high = entry.get("range") or (-math.inf, math.inf)
        entry["value"] = float(min(max(value, low), high))  # sampling may step past by 1e-16
        block[name] = entry
        data[section] = block
    population = dict(data["population"])
    population["sample_size"] = settings.sample_size
    data["population"] = population
    if settings.days is not None:
        data["days"] = settings.days
    if settings.burn_in is not None:
        data["burn_in_days"] = settings.burn_in
    return data


def evaluate(  # noqa: PLR0917 - submitted to Dask positionally
    raw: dict[str, Any],
    values: dict[str, float],
    seed: int,
    settings: Settings,
    catalogue: Catalogue,
    network: Network,
) -> dict[str, float]:
    """One count-engine run with some parameters set: the headline outcomes."""
    scenario = Scenario.model_validate(with_values(raw, values, settings))
    model = compile_scenario(scenario, catalogue, network, population_seed=seed % 1000)
    found = totals(run_count(model, seed), scenario.burn_in_days)
    window = scenario.days - scenario.burn_in_days
    return {
        name: found[name] * 365.0 / window if name in FLOWS else found[name] for name in OUTCOMES
    }


def analyse(  # noqa: PLR0915, PLR0917 - the four steps of the analysis, in order
    scenario: Scenario,
    catalogue: Catalogue,
    network: Network,
    client: Client,
    settings: Settings,
    on_stage: Callable[[str, int], None] | None = None,
) -> Result:
    raw = scenario.model_dump(mode="json", exclude_none=True)
    found = assumptions(scenario)
    names = [name for name, _, _ in found]
    bounds = [bounds for _, bounds, _ in found]
    base = {name: value for name, _, value in found}
    shared_raw, shared_cat, shared_net = (
        client.scatter(item, broadcast=True)  # type: ignore[no-untyped-call]
        for item in (raw, catalogue, network)
    )
    runs = 0

    def run_all(samples: list[dict[str, float]], seeds: list[int], stage: str) -> np.ndarray:
        nonlocal runs
        if on_stage:
            on_stage(stage, len(samples))
        futures = [
            client.submit(
                evaluate, shared_raw, values, seed, settings, shared_cat, shared_net, pure=False
            )
            for values, seed in zip(samples, seeds, strict=True)
        ]
        results = client.gather(futures)  # type: ignore[no-untyped-call]
        runs += len(samples)
        return np.array([[result[name] for name in OUTCOMES] for result in results])

    fixed = settings.seed  # common random numbers: effects are parameter effects, not noise
    problem = {"num_vars": len(names), "names": names, "bounds": [list(b) for b in bounds]}
    grid = morris_sample.sample(
        problem, N=settings.trajectories, num_levels=settings.levels, seed=settings.seed
    )
    screened = run_all(
        [dict(zip(names, row, strict=True)) for row in grid], [fixed] * len(grid), "morris"
    )
    morris: dict[str, dict[str, list[float]]] = {}
    importance = np.zeros(len(names))
    for k, outcome in enumerate(OUTCOMES):
        analysis = morris_analyze.analyze(
            problem, grid, screened[:, k], num_levels=settings.levels, seed=settings.seed
        )
        mu_star = np.nan_to_num(np.asarray(analysis["mu_star"], dtype=float))
        morris[outcome] = {
            "mu_star": mu_star.tolist(),
            "sigma": np.nan_to_num(np.asarray(analysis["sigma"], dtype=float)).tolist(),
            "mu_star_conf": np.nan_to_num(np.asarray(analysis["mu_star_conf"])).tolist(),
        }
        scale = mu_star.max() or 1.0
        importance = np.maximum(importance, mu_star / scale)
    order = [int(i) for i in np.argsort(-importance)]

    top = [names[i] for i in order[: settings.top]]
    sobol_problem = {
        "num_vars": len(top),
        "names": top,
        "bounds": [list(bounds[names.index(n)]) for n in top],
    }
    points = sobol_sample.sample(
        sobol_problem, settings.sobol_n, calc_second_order=False, seed=settings.seed
    )
    varied = run_all(
        [dict(zip(top, row, strict=True)) for row in points], [fixed] * len(points), "sobol"
    )
    sobol: dict[str, dict[str, list[float]]] = {}
    for k, outcome in enumerate(OUTCOMES):
        column = varied[:, k]
        if np.ptp(column) == 0:
            zero = [0.0] * len(top)
            sobol[outcome] = {"S1": zero, "ST": zero, "S1_conf": zero, "ST_conf": zero}
            continue
        indices = sobol_analyze.analyze(
            sobol_problem, column, calc_second_order=False, seed=settings.seed
        )
        sobol[outcome] = {
            key: np.nan_to_num(np.asarray(indices[key], dtype=float)).tolist()
            for key in ("S1", "ST", "S1_conf", "ST_conf")
        }

    rng = np.random.default_rng(settings.seed)
    draws = [
        {name: float(rng.uniform(*bounds[i])) for i, name in enumerate(names)}
        for _ in range(settings.draws)
    ]
    seeds = [int(s) for s in rng.integers(0, 2**31, settings.draws)]
    uncertain = run_all(draws, seeds, "intervals")
    noisy = run_all([{}] * settings.draws, seeds, "noise")
    intervals = {outcome: _percentiles(uncertain[:, k]) for k, outcome in enumerate(OUTCOMES)}
    noise = {outcome: _percentiles(noisy[:, k]) for k, outcome in enumerate(OUTCOMES)}

    swing = [names[i] for i in order[: settings.tornado]]
    ends = [{name: bounds[names.index(name)][side]} for name in swing for side in (0, 1)]
    tornado_runs = run_all([{}, *ends], [fixed] * (len(ends) + 1), "tornado")
    reference = {outcome: float(tornado_runs[0, k]) for k, outcome in enumerate(OUTCOMES)}
    tornado = {
        outcome: sorted(
            (
                (name, float(tornado_runs[1 + 2 * j, k]), float(tornado_runs[2 + 2 * j, k]))
                for j, name in enumerate(swing)
            ),
            key=lambda row: -abs(row[2] - row[1]),
        )
        for k, outcome in enumerate(OUTCOMES)
    }
    checked = Scenario.model_validate(with_values(raw, {}, settings))
    return Result(
        scenario=scenario.id,
        names=names,
        bounds=bounds,
        base=base,
        morris=morris,
        sobol_names=top,
        sobol=sobol,
        intervals=intervals,
        noise=noise,
        tornado=tornado,
        reference=reference,
        runs=runs,
        days=checked.days,
        burn_in=checked.burn_in_days,
    )


def _percentiles(values: np.ndarray) -> tuple[float, float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return math.nan, math.nan, math.nan
    low, mid, high = np.percentile(finite, [5, 50, 95])
    return float(low), float(mid), float(high)


def write_tornado(result: Result, outcome: str, path: Path) -> None:
    import matplotlib  # noqa: PLC0415 - only when charts are written

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    rows = result.tornado[outcome][::-1]  # the widest bar on top
    reference = result.reference[outcome]
    figure, axis = plt.subplots(figsize=(7.5, 0.5 * len(rows) + 1.4), dpi=110)
    for y, (_name, low, high) in enumerate(rows):
        axis.barh(y, low - reference, left=reference, color="#4477aa", height=0.6)
        axis.barh(y, high - reference, left=reference, color="#ee6677", height=0.6)
    axis.axvline(reference, color="black", linewidth=1)
    axis.set_yticks(range(len(rows)), [name for name, _, _ in rows], fontsize=8)
    axis.set_xlabel(OUTCOMES[outcome], fontsize=8)
    axis.set_title(
        f"{result.scenario}: {outcome} (blue: parameter at the low end of its range, "
        "red: high end)",
        fontsize=8,
    )
    axis.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def summary(result: Result) -> str:
    """The analysis as Markdown: intervals, Morris ranking, Sobol indices, tornado swings."""
    lines = [
        f"# Sensitivity of {result.scenario}",
        "",
        f"{result.runs} count-engine runs, {result.days} days with a {result.burn_in}-day burn-in; "
        f"{len(result.names)} assumption-marked parameters varied over their stated ranges.",
        "",
        "## Outcomes with parameter uncertainty",
        "",
        "| outcome | at the stated values (Monte Carlo only, 5–95%) | with parameter "
        "uncertainty (5–50–95%) |",
        "|---|---|---|",
    ]
    for outcome, label in OUTCOMES.items():
        n_low, n_mid, n_high = result.noise[outcome]
        low, mid, high = result.intervals[outcome]
        lines.append(
            f"| {label} | {n_mid:,.0f} ({n_low:,.0f}–{n_high:,.0f}) | "
            f"{low:,.0f} – {mid:,.0f} – {high:,.0f} |"
        )
    lines += ["", "## Morris screening (mu*, in the outcome's units; top 8 per outcome)", ""]
    for outcome in OUTCOMES:
        mu = result.morris[outcome]["mu_star"]
        ranked = sorted(zip(result.names, mu, strict=True), key=lambda row: -row[1])[:8]
        lines.append(
            f"- **{outcome}**: " + ", ".join(f"{name} {value:,.3g}" for name, value in ranked)
        )
    lines += [
        "",
        f"## Sobol indices on the top {len(result.sobol_names)} parameters "
        "(others at their values)",
        "",
        "| outcome | " + " | ".join(f"{n} S1 / ST" for n in result.sobol_names) + " |",
        "|---" * (len(result.sobol_names) + 1) + "|",
    ]
    for outcome in OUTCOMES:
        s = result.sobol[outcome]
        cells = [f"{s['S1'][i]:.2f} / {s['ST'][i]:.2f}" for i in range(len(result.sobol_names))]
        lines.append(f"| {outcome} | " + " | ".join(cells) + " |")
    lines += ["", "## Tornado swings (outcome at the low / high end of each range)", ""]
    for outcome in OUTCOMES:
        reference = result.reference[outcome]
        rows = ", ".join(
            f"{name} {low:,.0f} / {high:,.0f}" for name, low, high in result.tornado[outcome]
        )
        lines.append(f"- **{outcome}** (at the stated values {reference:,.0f}): {rows}")
    return "\n".join(lines) + "\n"
