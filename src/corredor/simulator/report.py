"""The comparison report: one HTML page with PNG plots (matplotlib), scenarios side by side."""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np

from corredor.simulator.outputs import LEVELS, SERIES, STOCKS, Series, mean_ci, totals
from corredor.simulator.scenario import Capacity, Param, Scenario

# seed 000's expected direction of each outcome under the joint program, against the status quo
SEED_CLAIMS: dict[str, tuple[str, str]] = {
    "waiting_north": ("fewer people congregated at the northern border", "down"),
    "waiting_south": ("fewer people congregated at the southern border", "down"),
    "land_port_arrivals": ("fewer land-port arrivals to process", "down"),
    "smuggling_demand": ("less demand for smugglers", "down"),
    "smuggling_price": ("smuggling prices fall", "down"),
    "smuggler_capacity": ("fewer smugglers", "down"),
}
# what the model assumes rather than finds, shown beside the results
BUILT_IN = [
    "Demand is the same figure in every scenario, changed only by the magnet response "
    "(behaviour.magnet_*: assumed elasticities, no estimate in the seeds).",
    "Who goes north, waits for the corridor, hires a smuggler or gives up follows a logit "
    "whose weights are assumptions (ranges in the scenario files; see the sensitivity analysis).",
    "Smuggling price responds to demand per smuggler and returns to a long-run level set by "
    "enforcement as smugglers enter or leave: a lasting price fall is not possible in this "
    "model without lower enforcement; a fall in the number of smugglers is.",
    "The TVRH cap (500 cards a day at each of the four points) is policy data and is not "
    "varied in the capacity variants: when more people choose the corridor, they wait in the "
    "south.",
]

PLOTTED = [
    "waiting_north",
    "waiting_south",
    "moved_north",
    "smuggler_capacity",
    "waiting_cdmx",
    "wait_north_days",
    "land_port_arrivals",
    "flights",
    "smuggling_demand",
    "smuggling_price",
    "inm_workload",
    "cbp_workload",
]
COMPARED = [
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
    "darien_crossings",
    "wait_north_days",
    "tvrh_issued",
    "parole_granted",
    "appointments",
    "gave_up",
    "inm_workload",
    "cbp_workload",
]


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    runs: list[Series]
    seed: int


def _plot(name: str, results: list[ScenarioResult], path: Path) -> None:
    figure, axis = plt.subplots(figsize=(7.5, 3.6), dpi=110)
    for result in results:
        stacked = np.vstack([run[name] for run in result.runs])
        days = np.arange(stacked.shape[1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # days on which nobody was served
            mean = np.nanmean(stacked, axis=0)
            low, high = np.nanpercentile(stacked, [5, 95], axis=0)
        (line,) = axis.plot(days, mean, label=result.scenario.id, linewidth=1.4)
        axis.fill_between(days, low, high, color=line.get_color(), alpha=0.18, linewidth=0)
    axis.set_title(SERIES[name], fontsize=10)
    axis.set_xlabel("day of the scenario")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def _unit(name: str, window_days: int) -> str:
    if name in STOCKS:
        return "people, mean over the days"
    if name == "smuggling_price":
        return "US dollars per crossing, mean"
    if name in ("wait_north_days", "wait_south_days"):
        return "days waited, mean"
    if name in LEVELS:
        return "mean over the days"
    return "people per year" if window_days else "people"


def _label(name: str) -> str:
    """A series' description without the daily-series unit (the table gives its own)."""
    return SERIES[name].replace(" (per day)", "").replace(", per day)", ")")


def _per_year(found: dict[str, float], days: int) -> dict[str, float]:
    return {
        name: value if name in STOCKS or name in LEVELS else value * 365.0 / days
        for name, value in found.items()
    }


def _direction(base: float, value: float, spread: float) -> str:
    if not np.isfinite(base) or not np.isfinite(value):
        return "–"
    if abs(value - base) <= spread:
        return "no change beyond noise"
    return "up" if value > base else "down"


def _cell(values: list[float]) -> str:
    mean, low, high = mean_ci(np.array(values))
    if np.isnan(mean):
        return "–"
    return f"{mean:,.0f}<br><small>({low:,.0f} – {high:,.0f})</small>"


def _provenance(parameter: Param | Capacity) -> str:
    if isinstance(parameter, Capacity) and parameter.policy_cap is not None:
        cap = parameter.policy_cap
        where = f" site {cap.site}" if cap.site else ""
        times = f" × {parameter.multiplier:g}" if parameter.multiplier != 1 else ""
        note = parameter.source or parameter.assumption or ""
        return f"policy cap {cap.pathway}{where}{times}. {note}"
    if parameter.source is not None:
        return f"source: {parameter.source}"
    return f"<strong>assumption</strong>: {parameter.assumption}"


def _value(parameter: Param | Capacity) -> str:
    if isinstance(parameter, Capacity) and parameter.policy_cap is not None:
        return "from policy"
    value = parameter.value
    return "–" if value is None else f"{value:,.4g}"


def write_report(results: list[ScenarioResult], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    figures = []
    for name in PLOTTED:
        path = directory / f"{name}.png"
        _plot(name, results, path)
        figures.append(path.name)
    windows = {r.scenario.id: r.scenario.days - r.scenario.burn_in_days for r in results}
    per_run = {
        r.scenario.id: [
            _per_year(totals(run, r.scenario.burn_in_days), windows[r.scenario.id])
            for run in r.runs
        ]
        for r in results
    }
    transient = {
        r.scenario.id: [totals(run, 0, r.scenario.burn_in_days) for run in r.runs]
        for r in results
        if r.scenario.burn_in_days
    }
    header = "".join(
        f"<th>{html.escape(r.scenario.id)}"
        + (
            f"<br><small>departure: {html.escape(r.scenario.departure)}</small>"
            if r.scenario.departure
            else ""
        )
        + "</th>"
        for r in results
    )
    window = next(iter(windows.values()))
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(_label(name))}<br><small>{_unit(name, window)}"
        "</small></th>"
        + "".join(f"<td>{_cell([t[name] for t in per_run[r.scenario.id]])}</td>" for r in results)
        + "</tr>"
        for name in COMPARED
    )
    transient_rows = "".join(
        f"<tr><th scope='row'>{html.escape(_label(name))}<br><small>{_unit(name, 0)} over the "
        "burn-in</small></th>"
        + "".join(
            f"<td>{_cell([t[name] for t in transient[r.scenario.id]])}</td>"
            if r.scenario.id in transient
            else "<td>–</td>"
            for r in results
        )
        + "</tr>"
        for name in ("waiting_north", "waiting_south", "smuggling_demand", "smuggling_price")
    )
    base = results[0].scenario.id
    claims = ""
    for name, (claim, expected) in SEED_CLAIMS.items():
        base_values = np.array([t[name] for t in per_run[base]])
        cells = ""
        for r in results[1:]:
            values = np.array([t[name] for t in per_run[r.scenario.id]])
            spread = (
                2
                * float(
                    np.sqrt(
                        base_values.var(ddof=1) / base_values.size
                        + values.var(ddof=1) / values.size
                    )
                )
                if values.size > 1 and base_values.size > 1
                else 0.0
            )
            found = _direction(float(base_values.mean()), float(values.mean()), spread)
            verdict = (
                "as seed 000 expects"
                if found == expected
                else "no change"
                if found.startswith("no change")
                else "<strong>contradicts seed 000</strong>"
            )
            cells += f"<td>{found}: {verdict}</td>"
        claims += f"<tr><th scope='row'>{html.escape(claim)}</th>{cells}</tr>"
    claims_header = "".join(f"<th>{html.escape(r.scenario.id)}</th>" for r in results[1:])
    built_in = "".join(f"<li>{html.escape(item)}</li>" for item in BUILT_IN)
    scenarios = "".join(
        f"<section><h3>{html.escape(r.scenario.title)} (<code>{r.scenario.id}</code>)</h3>"
        f"<p>{html.escape(r.scenario.description)} "
        f"Start {r.scenario.start}, {r.scenario.days} days of which the first "
        f"{r.scenario.burn_in_days} are a burn-in, "
        f"{len(r.runs)} runs from seed {r.seed}.</p><table><tr><th>parameter</th><th>value</th>"
        f"<th>provenance</th></tr>"
        + "".join(
            f"<tr><td><code>{name}</code></td><td>{_value(p)}</td><td>{_provenance_html(p)}</td></tr>"
            for name, p in r.scenario.parameters()
        )
        + "</table></section>"
        for r in results
    )
    images = "".join(
        f"<figure><img src='{f}' alt='{html.escape(SERIES[f[:-4]])}'></figure>" for f in figures
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Corredor scenario comparison</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;
text-align:right;vertical-align:top}}th[scope=row],td:first-child{{text-align:left}}
figure{{display:inline-block;margin:0.5em}}img{{max-width:520px}}</style></head><body>
<h1>Scenario comparison</h1>
<h2>What seed 000 claims, and the direction found (steady state, against {html.escape(base)})</h2>
<table><tr><th>claim</th>{claims_header}</tr>{claims}</table>
<p>Results that follow from assumptions rather than from the model's behaviour:</p>
<ul>{built_in}</ul>
<h2>Steady state</h2>
<p>After each scenario's burn-in: flows in people per year, people waiting as the mean over the
days, the price in US dollars; mean over runs with its 95% confidence interval (Monte Carlo
only: <code>corredor simulate sensitivity</code> gives intervals with parameter uncertainty).
Plots: mean per day, band 5th–95th percentile of the runs.</p>
<table><tr><th>measure</th>{header}</tr>{rows}</table>
<h2>Transient (the burn-in)</h2>
<table><tr><th>measure</th>{header}</tr>{transient_rows}</table>
<h2>Daily series</h2>{images}
<h2>Scenarios and where each number comes from</h2>{scenarios}
</body></html>"""
    index = directory / "report.html"
    index.write_text(page, encoding="utf-8")
    return index


def _provenance_html(parameter: Param | Capacity) -> str:
    text = _provenance(parameter)
    if text.startswith("<strong>assumption</strong>: "):
        rest = text.removeprefix("<strong>assumption</strong>: ")
        return "<strong>assumption</strong>: " + html.escape(rest)
    return html.escape(text)
