"""Daily series of a run, and summaries over many runs (means with 95% confidence intervals)."""

from __future__ import annotations

import math
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

# name -> what it counts (shown in the report)
SERIES: dict[str, str] = {
    "waiting_south": "people waiting in southern Mexico (end of day)",
    "waiting_cdmx": "people waiting in Mexico City for an interview or a flight (end of day)",
    "waiting_north": "people waiting in northern Mexico border cities (end of day)",
    "in_transit": "people travelling between stages (end of day)",
    "darien_crossings": "people entering the network at the Darién (per day)",
    "joined_elsewhere": "people joining the route in Guatemala (per day)",
    "tvrh_issued": "TVRH cards issued by INM (per day)",
    "parole_interviews": "parole interviews by CBP in Mexico City (per day)",
    "parole_granted": "parole grants (per day)",
    "flights": "paroled people arriving by air (corridor and CHNV, per day)",
    "chnv_flights": "CHNV parolees arriving by air from abroad (per day)",
    "appointments": "border appointments used at ports of entry (per day)",
    "land_port_arrivals": "arrivals at land ports of entry (appointments and land-bound parolees)",
    "irregular_crossings": "smuggled crossings into the United States (per day)",
    "smuggling_demand": "people hiring a smuggler (per day)",
    "smuggling_price": "smuggling price, US dollars",
    "gave_up": "people giving up waiting (per day)",
    "moved_north": "people choosing to travel to the northern border to wait (per day)",
    "apprehensions": "smuggled crossings apprehended by CBP (per day)",
    "returned_to_mexico": "apprehended people returned to northern Mexico (per day)",
    "smuggler_capacity": "crossings a day the smugglers in business can handle",
    "legal_share": "smoothed share of exits from waiting by a legal pathway",
    "arrival_factor": "arrivals relative to the scenario's figure (the magnet effect)",
    "wait_north_days": "mean days waited in the north by those given an appointment",
    "wait_south_days": "mean days waited in the south by those given a corridor TVRH",
    "inm_workload": "INM cases: TVRH issued (per day)",
    "cbp_workload": "CBP cases: interviews, port and air arrivals, encounters (per day)",
}
STOCKS = ("waiting_south", "waiting_cdmx", "waiting_north", "in_transit")
LEVELS = (
    "smuggling_price",
    "wait_north_days",
    "wait_south_days",
    "smuggler_capacity",
    "legal_share",
    "arrival_factor",
)

Series = dict[str, np.ndarray]


def empty_series(days: int) -> Series:
    return {name: np.zeros(days) for name in SERIES}


def finish(series: Series) -> Series:
    """Derived columns, computed the same way for every engine."""
    series["inm_workload"] = series["tvrh_issued"].copy()
    series["cbp_workload"] = (
        series["parole_interviews"]
        + series["land_port_arrivals"]
        + series["flights"]
        + series["irregular_crossings"]
    )
    return series


def run_frame(series: Series, start: object, run: int, scenario: str) -> pl.DataFrame:
    days = len(series["waiting_north"])
    first = start
    dates = [first + timedelta(days=offset) for offset in range(days)]  # type: ignore[operator]
    return pl.DataFrame(
        {
            "scenario": [scenario] * days,
            "run": [run] * days,
            "day": np.arange(days),
            "date": dates,
            **{name: series[name] for name in SERIES},
        }
    )


def totals(series: Series, start: int = 0, end: int | None = None) -> dict[str, float]:
    """One number per series over days [start, end): totals for flows, means over the days for
    stocks and levels. A run's steady state is `start=burn_in`, its transient `end=burn_in`."""
    found = {}
    for name, whole in series.items():
        values = whole[start:end]
        if name in STOCKS or name in LEVELS:
            finite = values[np.isfinite(values)]
            found[name] = float(finite.mean()) if finite.size else math.nan
        else:
            found[name] = float(values.sum())
    return found


def mean_ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and a 95% confidence interval of the mean (normal approximation; t for n < 30)."""
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n == 1:
        return mean, mean, mean
    critical = _t_975(n - 1)
    half = critical * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


# two-sided 95% Student t critical values; 1.96 beyond the table
_T_TABLE = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    12: 2.179,
    15: 2.131,
    20: 2.086,
    25: 2.060,
    30: 2.042,
}


def _t_975(degrees: int) -> float:
    if degrees > 30:
        return 1.96
    known = max(d for d in _T_TABLE if d <= degrees)
    return _T_TABLE[known]


def totals_frame(runs: list[Series], scenario: str, burn_in: int = 0) -> pl.DataFrame:
    """Per series and window: mean over runs with its 95% CI. Windows: `steady` (after the
    burn-in; flows in people per year of it) and, with a burn-in, `transient` (the burn-in;
    flows as totals over it). The unit column says which."""
    days = len(runs[0]["waiting_north"]) if runs else 0
    windows: list[tuple[str, int, int | None, int]] = [("steady", burn_in, None, days - burn_in)]
    if burn_in:
        windows.append(("transient", 0, burn_in, 0))
    rows = []
    for window, start, end, per_year_of in windows:
        per_run = [totals(series, start, end) for series in runs]
        for name in SERIES:
            values = np.array([run[name] for run in per_run])
            is_flow = name not in STOCKS and name not in LEVELS
            if is_flow and per_year_of:
                values = values * 365.0 / per_year_of
            mean, low, high = mean_ci(values)
            unit = (
                ("people per year" if per_year_of else "people over the window")
                if is_flow
                else "mean over the days"
            )
            rows.append(
                {
                    "scenario": scenario,
                    "window": window,
                    "series": name,
                    "unit": unit,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pl.DataFrame(rows)


def band_frame(runs: list[Series], start: object, scenario: str) -> pl.DataFrame:
    """Per day: mean and the 5th-95th percentile band over runs."""
    days = len(runs[0]["waiting_north"])
    columns: dict[str, object] = {
        "scenario": [scenario] * days,
        "day": np.arange(days),
        "date": [start + timedelta(days=offset) for offset in range(days)],  # type: ignore[operator]
    }
    for name in SERIES:
        stacked = np.vstack([run[name] for run in runs])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # days on which nobody was served
            columns[f"{name}_mean"] = np.nanmean(stacked, axis=0)
            columns[f"{name}_p05"] = np.nanpercentile(stacked, 5, axis=0)
            columns[f"{name}_p95"] = np.nanpercentile(stacked, 95, axis=0)
    return pl.DataFrame(columns)


def write_outputs(
    directory: Path, runs: list[Series], start: object, scenario: str, burn_in: int = 0
) -> list[Path]:
    """series.parquet (every run, every day), daily.csv (means and bands), totals.csv (steady
    state and transient, with units)."""
    directory.mkdir(parents=True, exist_ok=True)
    every = pl.concat([run_frame(s, start, i, scenario) for i, s in enumerate(runs)])
    written = [directory / "series.parquet", directory / "daily.csv", directory / "totals.csv"]
    every.write_parquet(written[0])
    band_frame(runs, start, scenario).write_csv(written[1])
    totals_frame(runs, scenario, burn_in).write_csv(written[2])
    return written
