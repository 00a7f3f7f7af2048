from __future__ import annotations

import dataclasses

import numpy as np

from corredor.simulator.scenario import load_scenario
from corredor.simulator.smuggling import MAX_EXPECTED_WAIT_DAYS, Market, expected_wait

MARKET = Market.from_scenario(load_scenario("status-quo-2023").smuggling)


def test_longer_waits_and_lower_prices_push_people_to_smugglers() -> None:
    hazards = MARKET.daily_hazard(8000, np.array([0.0, 30.0, 180.0]))
    assert hazards[0] < hazards[1] < hazards[2] <= MARKET.decision_rate
    assert MARKET.daily_hazard(4000, 30.0) > MARKET.daily_hazard(12000, 30.0)


def test_demand_elasticity_at_the_reference_price_is_about_minus_one() -> None:
    # binary logit: elasticity = -b * price * (1 - share); b = 0.125 per $1,000 gives -1 at $8,000
    low, high = MARKET.daily_hazard(7920, 30.0), MARKET.daily_hazard(8080, 30.0)
    elasticity = float((np.log(high) - np.log(low)) / (np.log(8080) - np.log(7920)))
    assert -1.0 < elasticity < -0.9


def test_price_follows_demand_and_enforcement() -> None:
    assert MARKET.price(MARKET.reference_demand) == MARKET.reference_price
    assert MARKET.price(2 * MARKET.reference_demand) > MARKET.reference_price
    tripled = dataclasses.replace(MARKET, enforcement_index=3.0)
    # Gathmann (2008): enforcement x3 -> prices +17%
    assert abs(tripled.price(MARKET.reference_demand) / MARKET.reference_price - 1.17) < 0.01


def test_expected_wait_without_capacity_is_capped_not_infinite() -> None:
    assert expected_wait(1000, 0) == MAX_EXPECTED_WAIT_DAYS
    assert expected_wait(0, 0) == 0
    assert expected_wait(1450 * 10, 1450) == 10
