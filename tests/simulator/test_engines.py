from __future__ import annotations

import numpy as np
import pytest

from corredor.simulator.agent_engine import run_agents
from corredor.simulator.count_engine import run_count
from corredor.simulator.model import Compiled
from corredor.simulator.outputs import Series, totals
from corredor.simulator.queues import age_one_day, take_oldest, take_random

ENGINES = [run_count, run_agents]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_run_is_reproducible_from_its_seed(small_model: Compiled, engine: object) -> None:
    first, again, other = (engine(small_model, seed) for seed in (5, 5, 6))  # type: ignore[operator]
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])
    assert any(not np.array_equal(first[n], other[n], equal_nan=True) for n in first)


def _accounted(model: Compiled, series: Series) -> tuple[float, float]:
    came = (
        model.initial_south
        + model.initial_north
        + series["darien_crossings"].sum()
        + series["joined_elsewhere"].sum()
    )
    left = (
        series["irregular_crossings"].sum()
        + series["land_port_arrivals"].sum()
        + (series["flights"] - series["chnv_flights"]).sum()
        + series["gave_up"].sum()
        # apprehended and removed to their country (the rest are back in the north, waiting)
        + (series["apprehensions"] - series["returned_to_mexico"]).sum()
    )
    still_here = (
        series["waiting_south"][-1]
        + series["waiting_cdmx"][-1]
        + series["waiting_north"][-1]
        + series["in_transit"][-1]
    )
    return came, left + still_here


@pytest.mark.parametrize("engine", ENGINES)
def test_nobody_is_lost_or_made_up(small_model: Compiled, engine: object) -> None:
    series = engine(small_model, 11)  # type: ignore[operator]
    came, accounted = _accounted(small_model, series)
    assert came == accounted
    assert series["parole_granted"].sum() > 0 and series["appointments"].sum() > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_capacities_are_never_exceeded(small_model: Compiled, engine: object) -> None:
    series = engine(small_model, 3)  # type: ignore[operator]
    assert (series["parole_interviews"] <= np.ceil(small_model.parole)).all()
    assert (series["appointments"] <= np.ceil(small_model.appointments)).all()
    assert (series["flights"] - series["chnv_flights"] <= np.ceil(small_model.flights)).all()


COMPARED = [
    "waiting_south",
    "waiting_cdmx",
    "waiting_north",
    "tvrh_issued",
    "parole_interviews",
    "appointments",
    "smuggling_demand",
    "gave_up",
    "irregular_crossings",
    "apprehensions",
    "moved_north",
    "smuggling_price",
    "smuggler_capacity",
    "wait_north_days",
]


def test_count_and_agent_engines_agree_over_many_seeds(small_model: Compiled) -> None:
    """Same rules, two representations: the mean of each measure over 40 seeds must agree.

    Under the hypothesis that both engines draw from one distribution, the difference of the two
    means is about normal with standard error sqrt(se_count² + se_agent²) (central limit theorem,
    independent seeds). A tolerance of 4 standard errors fails by chance with probability 6e-5
    per measure (7e-4 for all eleven), yet catches any rule that differs by more than a few
    percent: the standard errors are about 1% of the means here.
    """
    seeds = range(100, 140)
    count = [totals(run_count(small_model, s)) for s in seeds]
    agent = [totals(run_agents(small_model, s + 10_000)) for s in seeds]
    for name in COMPARED:
        a = np.array([t[name] for t in count])
        b = np.array([t[name] for t in agent])
        standard_error = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        assert a.mean() > 0, name
        assert abs(a.mean() - b.mean()) <= 4 * standard_error + 1e-9, (
            name,
            a.mean(),
            b.mean(),
            standard_error,
        )


def test_take_oldest_takes_the_longest_waiting_first() -> None:
    rng = np.random.default_rng(0)
    queue = np.zeros((2, 5), dtype=np.int64)
    queue[0] = [4, 0, 2, 0, 1]
    queue[1] = [3, 1, 0, 0, 2]
    taken = take_oldest(queue, 4, rng)
    assert taken[:, 4].sum() == 3  # everyone who waited longest
    assert taken[:, 2].sum() == 1  # one of the two at the next age
    assert taken.sum() == 4 and queue.sum() == 13 - 4
    only_group_one = take_oldest(queue, 1, rng, allowed=np.array([False, True]))
    assert only_group_one[1, 1] == 1 and only_group_one[0].sum() == 0


def test_take_random_and_ageing_keep_everyone() -> None:
    rng = np.random.default_rng(1)
    queue = np.full((3, 4), 5, dtype=np.int64)
    taken = take_random(queue, 7, rng)
    assert taken.sum() == 7 and queue.sum() == 60 - 7 and (queue >= 0).all()
    before = queue.sum()
    age_one_day(queue)
    assert queue.sum() == before and queue[:, 0].sum() == 0
