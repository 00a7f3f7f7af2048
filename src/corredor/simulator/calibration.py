"""Calibration of the corridor scenarios against the figures in DOMAIN.md.

Targets (status-quo-2023): 520,000 Darién crossings in 2023; 1,450 border appointments a day;
30,000 CHNV parolees a month; TVRH cards per month between the January 2019 (11,883) and the
December 2021 (44,426) counts. One parameter is fitted, the smugglers' reference demand: a fixed
point, so that the status quo's mean price equals the reference price (the price at 2023 demand
is the reference by definition). The others are inputs whose simulated outcome is checked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

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
