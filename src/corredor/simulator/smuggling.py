"""The smugglers' market: demand, supply, enforcement, and the price between them.

Demand is the people who choose a smuggler in the daily discrete choice (behaviour.py); the
smuggler's utility is

    U_smuggler = constant - b_price * price/1000 - b_risk * risk

Supply: smugglers can take `capacity` crossings a day. In the short run the price rises with
demand per unit of capacity; in the long run smugglers enter while the price is above its
long-run level (their cost, which enforcement raises) and leave while it is below:

    price_t    = long_run_price * (demand_t / capacity_t) ** demand_price_exponent
    long_run   = reference_price * enforcement_index ** enforcement_price_elasticity
    capacity_t+1 = capacity_t * (1 + (price_t / long_run - 1) / supply_adjustment_days)

where demand_t is an exponential moving average of daily hires. So price and demand are two
outcomes, and the number of smugglers (their capacity) a third: a fall in demand first lowers
the price, then drives smugglers out until the price is back at its long-run level.

Enforcement: a share `apprehension_share` of smuggled crossings is apprehended; of those, a share
`returned_to_mexico_share` is returned to northern Mexico, where they wait and may try again.
The elasticities' sources are in the scenario files (Gathmann 2008 for enforcement and the
price-elastic demand).
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
    supply_adjustment_days: float = 90.0
    apprehension_share: float = 0.0
    returned_share: float = 0.0

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
            supply_adjustment_days=max(1.0, smuggling.supply_adjustment_days.value),
            apprehension_share=smuggling.apprehension_share.value,
            returned_share=smuggling.returned_to_mexico_share.value,
        )

    def utility(self, price: float) -> float:
        """The smuggler's utility in the daily choice."""
        return float(
            self.constant
            - self.price_sensitivity * price / 1000.0
            - self.risk_sensitivity * self.risk
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

    @property
    def long_run_price(self) -> float:
        return float(self.reference_price * self.enforcement_index**self.enforcement_elasticity)

    def price(self, smoothed_demand: float, capacity: float | None = None) -> float:
        """The day's price; capacity defaults to the reference demand (the 2023 market)."""
        supply = self.reference_demand if capacity is None else capacity
        relative = max(smoothed_demand, 1e-9) / max(supply, 1e-9)
        return float(self.long_run_price * relative**self.demand_exponent)

    def adjust_capacity(self, capacity: float, price: float) -> float:
        """Smugglers enter while the price is above its long-run level, leave while below."""
        gap = price / self.long_run_price - 1.0
        return float(max(1.0, capacity * (1.0 + gap / self.supply_adjustment_days)))

    def smooth(self, smoothed_demand: float, hires_today: float) -> float:
        return smoothed_demand + (hires_today - smoothed_demand) / self.memory_days


def expected_wait(queue: float, capacity_per_day: float) -> float:
    if capacity_per_day <= 0:
        return MAX_EXPECTED_WAIT_DAYS if queue > 0 else 0.0
    return min(queue / capacity_per_day, MAX_EXPECTED_WAIT_DAYS)
