"""The smugglers' market: who turns to a smuggler, and what it costs.

Choice: each day a share `decision_rate` of the people waiting reconsider; they choose between
waiting for the legal pathway and hiring a smuggler by a binary logit over price, expected wait
and risk:

    U_smuggler = constant - b_price * price/1000 - b_risk * risk
    U_wait     = - b_wait * expected_wait_days/30
    P(smuggler) = 1 / (1 + exp(U_wait - U_smuggler))

Price: smugglers price off recent demand and enforcement,

    price_t = reference_price * (demand_t / reference_demand) ** demand_price_exponent
                              * enforcement_index ** enforcement_price_elasticity

where demand_t is an exponential moving average of daily hires. The elasticities' sources are in
the scenario files (Gathmann 2008 for enforcement and the price-elastic demand).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corredor.simulator.scenario import Smuggling

MAX_EXPECTED_WAIT_DAYS = 720.0  # a queue with no capacity: "years", not infinity


@dataclass(frozen=True)
class Market:
    reference_price: float
    reference_demand: float
    price_sensitivity: float
    wait_sensitivity: float
    risk: float
    risk_sensitivity: float
    constant: float
    decision_rate: float
    enforcement_index: float
    enforcement_elasticity: float
    demand_exponent: float
    memory_days: float

    @classmethod
    def from_scenario(cls, smuggling: Smuggling) -> Market:
        return cls(
            reference_price=smuggling.reference_price_usd.value,
            reference_demand=smuggling.reference_demand_per_day.value,
            price_sensitivity=smuggling.price_sensitivity_per_1000_usd.value,
            wait_sensitivity=smuggling.wait_sensitivity_per_30_days.value,
            risk=smuggling.risk.value,
            risk_sensitivity=smuggling.risk_sensitivity.value,
            constant=smuggling.constant.value,
            decision_rate=smuggling.decision_rate_per_day.value,
            enforcement_index=smuggling.enforcement_index.value,
            enforcement_elasticity=smuggling.enforcement_price_elasticity.value,
            demand_exponent=smuggling.demand_price_exponent.value,
            memory_days=max(1.0, smuggling.demand_memory_days.value),
        )

    def daily_hazard(self, price: float, expected_wait_days: float | np.ndarray) -> np.ndarray:
        """Probability that one waiting person hires a smuggler today."""
        wait = np.minimum(np.asarray(expected_wait_days, dtype=float), MAX_EXPECTED_WAIT_DAYS)
        smuggler = (
            self.constant
            - self.price_sensitivity * price / 1000.0
            - self.risk_sensitivity * self.risk
        )
        waiting = -self.wait_sensitivity * wait / 30.0
        share = 1.0 / (1.0 + np.exp(waiting - smuggler))
        return np.asarray(self.decision_rate * share)

    def price(self, smoothed_demand: float) -> float:
        relative = max(smoothed_demand, 1e-9) / self.reference_demand
        return float(
            self.reference_price
            * relative**self.demand_exponent
            * self.enforcement_index**self.enforcement_elasticity
        )

    def smooth(self, smoothed_demand: float, hires_today: float) -> float:
        return smoothed_demand + (hires_today - smoothed_demand) / self.memory_days


def expected_wait(queue: float, capacity_per_day: float) -> float:
    if capacity_per_day <= 0:
        return MAX_EXPECTED_WAIT_DAYS if queue > 0 else 0.0
    return min(queue / capacity_per_day, MAX_EXPECTED_WAIT_DAYS)
