from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from corredor.screening.domain.catalogue import Catalogue
from corredor.simulator.calibration import calibration_fits, held_out_fit, read_periods
from corredor.simulator.count_engine import run_count
from corredor.simulator.model import Compiled, compile_scenario
from corredor.simulator.montecarlo import dask_client, run_many, run_seeds
from corredor.simulator.network import Network
from corredor.simulator.outputs import mean_ci
from corredor.simulator.scenario import load_scenario


def test_dask_runs_equal_serial_runs_in_seed_order(small_model: Compiled) -> None:
    finished: list[int] = []
    with dask_client(workers=2) as client:
        parallel = run_many(small_model, 4, seed=9, client=client, on_done=finished.append)
    serial = run_many(small_model, 4, seed=9)
    assert sorted(finished) == [1, 2, 3, 4]
    for a, b in zip(parallel, serial, strict=True):
        np.testing.assert_array_equal(a["waiting_north"], b["waiting_north"])
    assert len(set(run_seeds(9, 4))) == 4


def test_confidence_interval_covers_the_mean() -> None:
    mean, low, high = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    assert mean == 2.5 and low < 2.5 < high
    # t(3) = 3.182: half-width = 3.182 * sd / sqrt(4)
    assert high - low == pytest.approx(2 * 3.182 * np.std([1, 2, 3, 4], ddof=1) / 2)


def test_status_quo_meets_the_domain_figures(catalogue: Catalogue, network: Network) -> None:
    model = compile_scenario(load_scenario("status-quo-2023"), catalogue, network)
    runs = [run_count(model, seed) for seed in (1, 2, 3)]
    fits = {fit.target: fit for fit in calibration_fits(model, runs)}
    assert abs(fits["Darién crossings in the year"].relative_error) < 0.01
    assert fits["border appointments a day (queue not empty)"].simulated == 1450
    assert abs(fits["CHNV parolees per 30 days"].relative_error) < 0.02
    assert fits["TVRH cards, lowest month"].simulated >= 11_883
    assert fits["TVRH cards, highest month"].simulated <= 44_426


def test_the_bundled_darien_series_adds_up_to_the_2023_total() -> None:
    periods = read_periods()
    assert sum(p.observed for p in periods) == 520_085  # Minseg's 2023 total
    assert periods[0].start == date(2023, 1, 1) and periods[-1].end == date(2023, 12, 31)
    assert any(p.note.startswith("derived") for p in periods)  # Aug-Sep, marked as derived


def test_held_out_months_are_scored_but_not_fitted(catalogue: Catalogue, network: Network) -> None:
    model = compile_scenario(load_scenario("status-quo-2023"), catalogue, network)
    periods = read_periods()
    fit = held_out_fit(model, periods, date(2023, 6, 30), elasticities=(0.0, 0.3), runs=1)
    held = [simulated for period, simulated, out in fit.rows if out]
    trained = [(period, simulated) for period, simulated, out in fit.rows if not out]
    assert len(held) == 5 and len(trained) == 6
    # the level is fitted on the training months only: their totals match, the others need not
    assert sum(s for _, s in trained) == pytest.approx(sum(p.observed for p, _ in trained))
    assert fit.test_error > 0 and fit.train_error > 0
