"""Calibration of the corridor scenarios against the figures in DOMAIN.md, and a held-out fit.

The first part is a consistency check, not a validation: arrivals, appointments, CHNV and the
TVRH bounds are inputs of the status quo, so reproducing them shows the engine carries its
inputs through. The held-out fit (`held_out_fit`) fits behavioural parameters to part of a
sourced monthly series of outcomes (Darién crossings in 2023, data/observed/) and scores the
months it never saw.


Targets (status-quo-2023): 520,000 Darién crossings in 2023; 1,450 border appointments a day;
30,000 CHNV parolees a month; TVRH cards per month between the January 2019 (11,883) and the
December 2021 (44,426) counts. One parameter is fitted, the smugglers' reference demand: a fixed
point, so that the status quo's mean price equals the reference price (the price at 2023 demand
is the reference by definition). The others are inputs whose simulated outcome is checked.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from corredor.kernel.resources import shipped
from corredor.simulator.count_engine import run_count
from corredor.simulator.model import Compiled
from corredor.simulator.outputs import Series, mean_ci

DARIEN_2023 = 520_000
APPOINTMENTS_PER_DAY = 1_450
CHNV_PER_MONTH = 30_000
TVRH_JANUARY_2019 = 11_883
TVRH_DECEMBER_2021 = 44_426


@dataclass(frozen=True)
class Fit:
    target: str
    observed: float
    simulated: float
    ci_low: float
    ci_high: float

    @property
    def relative_error(self) -> float:
        return (self.simulated - self.observed) / self.observed


def _monthly(series: np.ndarray, start: date) -> list[float]:
    months: dict[tuple[int, int], float] = {}
    for offset, value in enumerate(series):
        day = start + timedelta(days=offset)
        months[(day.year, day.month)] = months.get((day.year, day.month), 0.0) + float(value)
    return list(months.values())


def _chnv_monthly(series: np.ndarray, start: date) -> float:
    """Mean CHNV arrivals per 30 days over the days the monthly cap was in force."""
    from_day = max(0, (date(2023, 1, 6) - start).days)
    window = series[from_day:]
    return float(window.sum() / len(window) * 30) if len(window) else float("nan")


def calibration_fits(model: Compiled, runs: list[Series]) -> list[Fit]:
    def fit(target: str, observed: float, values: list[float]) -> Fit:
        mean, low, high = mean_ci(np.array(values))
        return Fit(target, observed, mean, low, high)

    busy = [run["appointments"][run["waiting_north"] > APPOINTMENTS_PER_DAY] for run in runs]
    monthly_tvrh = [_monthly(run["tvrh_issued"], model.start) for run in runs]
    return [
        fit(
            "Darién crossings in the year",
            DARIEN_2023,
            [run["darien_crossings"].sum() for run in runs],
        ),
        fit(
            "border appointments a day (queue not empty)",
            APPOINTMENTS_PER_DAY,
            [b.mean() for b in busy],
        ),
        fit(
            "CHNV parolees per 30 days",
            CHNV_PER_MONTH,
            [_chnv_monthly(r["chnv_flights"], model.start) for r in runs],
        ),
        fit("TVRH cards, lowest month", TVRH_JANUARY_2019, [min(m) for m in monthly_tvrh]),
        fit("TVRH cards, highest month", TVRH_DECEMBER_2021, [max(m) for m in monthly_tvrh]),
    ]


def fit_reference_demand(
    model: Compiled, runs: int = 8, seed: int = 0, iterations: int = 6, tolerance: float = 0.005
) -> tuple[Compiled, list[float]]:
    """Fixed-point iteration: reference demand <- the mean daily hires it produces.

    Returns the model with the fitted value and the trace of values tried (the last converged).
    """
    trace = [model.market.reference_demand]
    for _ in range(iterations):
        hires = np.mean(
            [run_count(model, seed + k)["smuggling_demand"].mean() for k in range(runs)]
        )
        market = dataclasses.replace(model.market, reference_demand=float(hires))
        model = dataclasses.replace(model, market=market)
        trace.append(float(hires))
        if abs(trace[-1] - trace[-2]) <= tolerance * trace[-2]:
            break
    return model, trace


OBSERVED = shipped("data") / "observed"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    observed: float
    note: str


def read_periods(path: Path | None = None) -> list[Period]:
    """A sourced series of counts over periods (`start,end,crossings,note`; `#` lines are the
    citation)."""
    path = path or OBSERVED / "darien-2023-monthly.csv"
    rows = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    found = []
    for row in csv.DictReader(rows):
        found.append(
            Period(
                date.fromisoformat(row["start"]),
                date.fromisoformat(row["end"]),
                float(row["crossings"]),
                row["note"],
            )
        )
    return found


@dataclass(frozen=True)
class HeldOut:
    elasticity: float  # the fitted magnet_legal_elasticity
    level: float  # the fitted scale of the arrival figure
    train_error: float  # mean absolute percentage error over the training periods
    test_error: float  # ... over the held-out periods
    rows: list[tuple[Period, float, bool]]  # period, simulated, held out


def held_out_fit(
    model: Compiled,
    periods: list[Period],
    train_until: date,
    *,
    elasticities: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.5),
    runs: int = 3,
    seed: int = 0,
) -> HeldOut:
    """Fit the magnet elasticity and the level of arrivals to the periods ending by
    `train_until`, then score the later periods the fit never saw.

    The level is fitted by scaling the simulated series so the training totals match (arrivals
    scale with their figure, up to the magnet feedback), the elasticity by a grid search."""

    def simulated(elasticity: float) -> list[float]:
        choice = dataclasses.replace(model.choice, magnet_legal=elasticity)
        trial = dataclasses.replace(model, choice=choice)
        series = [run_count(trial, seed + k)["darien_crossings"] for k in range(runs)]
        mean = np.mean(series, axis=0)
        return [
            float(mean[(p.start - model.start).days : (p.end - model.start).days + 1].sum())
            for p in periods
        ]

    train = [p.end <= train_until for p in periods]
    best: HeldOut | None = None
    for elasticity in elasticities:
        values = simulated(elasticity)
        level = sum(p.observed for p, t in zip(periods, train, strict=True) if t) / sum(
            v for v, t in zip(values, train, strict=True) if t
        )
        errors = [
            abs(v * level - p.observed) / p.observed for v, p in zip(values, periods, strict=True)
        ]
        train_error = float(np.mean([e for e, t in zip(errors, train, strict=True) if t]))
        test_error = float(np.mean([e for e, t in zip(errors, train, strict=True) if not t]))
        if best is None or train_error < best.train_error:
            rows = [(p, v * level, not t) for p, v, t in zip(periods, values, train, strict=True)]
            best = HeldOut(elasticity, level, train_error, test_error, rows)
    assert best is not None
    return best
