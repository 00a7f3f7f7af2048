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

from corredor.simulator.outputs import SERIES, Series, mean_ci, totals
from corredor.simulator.scenario import Capacity, Param, Scenario

PLOTTED = [
    "waiting_north",
    "waiting_south",
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
    "smuggling_demand",
    "smuggling_price",
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
    per_run = {r.scenario.id: [totals(run) for run in r.runs] for r in results}
    header = "".join(f"<th>{html.escape(r.scenario.id)}</th>" for r in results)
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(SERIES[name])}</th>"
        + "".join(f"<td>{_cell([t[name] for t in per_run[r.scenario.id]])}</td>" for r in results)
        + "</tr>"
        for name in COMPARED
    )
    scenarios = "".join(
        f"<section><h3>{html.escape(r.scenario.title)} (<code>{r.scenario.id}</code>)</h3>"
        f"<p>{html.escape(r.scenario.description)} "
        f"Start {r.scenario.start}, {r.scenario.days} days, "
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
<p>Totals over each scenario (flows), or means over its days (people waiting, price, waits):
mean over runs with its 95% confidence interval. Plots: mean per day, band 5th–95th percentile
of the runs.</p>
<table><tr><th>measure</th>{header}</tr>{rows}</table>
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
