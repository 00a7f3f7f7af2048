"""The discrete choice, the magnet effect and the smugglers' supply side."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from corredor.simulator.behaviour import smoothed_share
from corredor.simulator.count_engine import run_count
from corredor.simulator.model import Compiled
from corredor.simulator.outputs import totals


def test_a_longer_corridor_wait_sends_more_people_north_and_to_smugglers(
    small_model: Compiled,
) -> None:
    choice, market = small_model.choice, small_model.market
    short = choice.hazards(market, 8000.0, np.array([10.0]), np.array([40.0]))
    long = choice.hazards(market, 8000.0, np.array([200.0]), np.array([40.0]))
    smuggle, quit_, north = (float(h[0]) for h in short)
    assert long[2][0] > north and long[0][0] > smuggle and long[1][0] > quit_
    # daily chances add up to at most the share who reconsider
    assert sum(float(h[0]) for h in long) <= market.decision_rate + 1e-12
    # no north option for people already there
    assert not choice.hazards(market, 8000.0, np.array([10.0]), None)[2].any()
    # a dearer smuggler is hired less
    assert choice.hazards(market, 16000.0, np.array([200.0]), np.array([40.0]))[0][0] < long[0][0]


def test_arrivals_respond_to_the_legal_pathway_and_to_the_price(small_model: Compiled) -> None:
    choice, market = small_model.choice, small_model.market
    reference = choice.arrival_factor(choice.reference_legal_share, market.reference_price, market)
    assert reference == pytest.approx(1.0)
    assert choice.arrival_factor(0.95, market.reference_price, market) > 1.0
    assert choice.arrival_factor(choice.reference_legal_share, 12000.0, market) < 1.0
    still = dataclasses.replace(choice, magnet_legal=0.0, magnet_price=0.0)
    assert still.arrival_factor(0.95, 3000.0, market) == 1.0
    assert smoothed_share(0.5, 0.0, 0.0, 30.0) == 0.5  # no exits: unchanged
    assert smoothed_share(0.5, 10.0, 0.0, 10.0) == pytest.approx(0.55)


def test_smugglers_leave_when_demand_falls_so_the_price_recovers(small_model: Compiled) -> None:
    market = small_model.market
    demand = market.reference_demand / 2  # demand halves and stays there
    smugglers = market.reference_demand
    first = market.price(demand, smugglers)
    assert first < market.long_run_price  # short run: the price falls
    for _ in range(3000):
        smugglers = market.adjust_capacity(smugglers, market.price(demand, smugglers))
    assert smugglers == pytest.approx(demand, rel=0.02)  # fewer smugglers
    assert market.price(demand, smugglers) == pytest.approx(market.long_run_price, rel=0.02)


def test_northern_waiting_responds_to_corridor_capacity(small_model: Compiled) -> None:
    """Who goes north is an outcome: with half the interviews, more people in the corridor's
    queue turn to the north or to smugglers (and some of those are returned to the north)."""

    def north(parole_scale: float) -> np.ndarray:  # interviews and seats, as the variants do
        model = dataclasses.replace(
            small_model,
            parole=small_model.parole * parole_scale,
            flights=small_model.flights * parole_scale,
        )
        return np.array([totals(run_count(model, s))["waiting_north"] for s in range(10)])

    # the small corridor's interviews bind only below about half their number
    scarce, ample = north(0.2), north(1.0)
    error = np.sqrt(scarce.var(ddof=1) / scarce.size + ample.var(ddof=1) / ample.size)
    assert scarce.mean() - ample.mean() > 4 * error


def test_apprehended_people_are_returned_and_try_again(small_model: Compiled) -> None:
    series = run_count(small_model, 4)
    assert series["apprehensions"].sum() > 0
    assert 0 < series["returned_to_mexico"].sum() < series["apprehensions"].sum()
    none = dataclasses.replace(
        small_model, market=dataclasses.replace(small_model.market, apprehension_share=0.0)
    )
    assert run_count(none, 4)["apprehensions"].sum() == 0


def test_steady_state_and_transient_are_separate_windows() -> None:
    series = {"waiting_north": np.array([10.0, 20.0, 30.0, 40.0]), "flights": np.ones(4)}
    assert totals(series, 2)["waiting_north"] == 35.0
    assert totals(series, 0, 2)["waiting_north"] == 15.0
    assert totals(series, 2)["flights"] == 2.0
