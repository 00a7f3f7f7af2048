"""The daily choice of people waiting, and the response of arrivals (the magnet effect).

Each day a share `decision_rate` of the people waiting at a stage reconsider and choose, by a
multinomial logit, among the options open to them (McFadden 1974; the weights are labelled
assumptions in the scenario files, with the ranges the sensitivity analysis varies them over):

    stay      V = - b_wait * W_stay / 30
    north     V = north_constant - b_wait * (travel + W_north) / 30
                  - b_price * north_cost / 1000 - b_risk * north_risk
    smuggler  V = constant - b_price * price / 1000 - b_risk * risk
    give up   V = give_up_constant

W_stay is the expected wait to leave for the United States from where the person is: in the
south, for someone the corridor is open to, the wait for a corridor TVRH, the trip to Mexico City
and the wait for an interview; for anyone else, the wait for an ad hoc TVRH, the trip north and
the wait for an appointment there; in Mexico City, the wait for an interview; in the north, the
wait for an appointment. An expected wait is the queue over the day's capacity (720 days, "years",
when there is none). Who goes north, who waits for the corridor and who hires a smuggler are
outcomes of these waits, not rules.

Arrivals: the day's expected arrivals are the scenario's figure times

    (legal_share / reference_legal_share) ** magnet_legal_elasticity
    * (price / reference_price) ** -magnet_price_elasticity

where legal_share is the smoothed share of people leaving the waiting system by a legal pathway
(corridor TVRH, border appointment) rather than by a smuggler or by giving up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corredor.simulator.scenario import Behaviour
from corredor.simulator.smuggling import MAX_EXPECTED_WAIT_DAYS, Market


@dataclass(frozen=True)
class Choice:
    north_constant: float
    north_cost: float
    north_risk: float
    give_up_constant: float
    magnet_legal: float
    magnet_price: float
    reference_legal_share: float

    @classmethod
    def from_scenario(cls, behaviour: Behaviour) -> Choice:
        return cls(
            north_constant=behaviour.north_constant.value,
            north_cost=behaviour.north_cost_usd.value,
            north_risk=behaviour.north_risk.value,
            give_up_constant=behaviour.give_up_constant.value,
            magnet_legal=behaviour.magnet_legal_elasticity.value,
            magnet_price=behaviour.magnet_price_elasticity.value,
            reference_legal_share=behaviour.reference_legal_share.value,
        )

    def hazards(
        self,
        market: Market,
        price: float,
        stay_wait: np.ndarray,
        north_wait: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Daily chances, per group, of hiring a smuggler, giving up and going north.

        `stay_wait` and `north_wait` are expected days per group (`north_wait` None where going
        north is not an option, as for people already there)."""
        stay = np.minimum(np.asarray(stay_wait, dtype=float), MAX_EXPECTED_WAIT_DAYS)
        v_stay = -market.wait_sensitivity * stay / 30.0
        v_smuggle = np.full_like(v_stay, market.utility(price))
        v_quit = np.full_like(v_stay, self.give_up_constant)
        options = [v_stay, v_smuggle, v_quit]
        if north_wait is not None:
            north = np.minimum(np.asarray(north_wait, dtype=float), MAX_EXPECTED_WAIT_DAYS)
            options.append(
                self.north_constant
                - market.wait_sensitivity * north / 30.0
                - market.price_sensitivity * self.north_cost / 1000.0
                - market.risk_sensitivity * self.north_risk
            )
        utilities = np.vstack(options)
        shares = np.exp(utilities - utilities.max(axis=0))
        shares /= shares.sum(axis=0)
        rate = market.decision_rate
        go_north = rate * shares[3] if north_wait is not None else np.zeros_like(v_stay)
        return rate * shares[1], rate * shares[2], go_north

    def arrival_factor(self, legal_share: float, price: float, market: Market) -> float:
        """The magnet effect: arrivals relative to the scenario's figure."""
        legal = max(legal_share, 1e-3) / self.reference_legal_share
        relative_price = max(price, 1.0) / market.reference_price
        return float(legal**self.magnet_legal * relative_price ** (-self.magnet_price))


def smoothed_share(previous: float, legal: float, other: float, memory_days: float) -> float:
    """Exponential moving average of the day's legal share of exits (kept when no one left)."""
    total = legal + other
    if total <= 0:
        return previous
    return previous + (legal / total - previous) / memory_days
