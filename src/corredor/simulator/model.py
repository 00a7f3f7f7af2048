"""A scenario compiled to what both engines need: delays, daily capacities, groups, rates.

Both engines start from the same `Compiled` inputs and `RunInputs` (the day's integer
capacities, drawn from the run's seed), so they differ only in how they keep people: as head
counts per cell or one by one.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.policy import Cap, Policy
from corredor.simulator.behaviour import Choice
from corredor.simulator.network import Network
from corredor.simulator.population import Groups, eligibility_groups
from corredor.simulator.scenario import Capacity, Scenario
from corredor.simulator.smuggling import Market

INITIAL_AGE_SPREAD_DAYS = 90  # people already waiting have waited 0-89 days (assumption)
RULES = ("half_longest_half_random", "longest_waiting", "random")


@dataclass(frozen=True)
class Compiled:
    scenario_id: str
    start: date
    days: int
    groups: Groups
    arrivals_per_day: float
    arrivals_elsewhere_per_day: float
    initial_south: int
    initial_north: int
    delay_to_south: int
    delay_elsewhere_to_south: int
    delay_south_to_cdmx: int
    delay_south_to_north: int
    delay_cdmx_to_north: int
    delay_smuggled: int
    tvrh: np.ndarray
    ad_hoc_monthly: tuple[float, float]
    parole: np.ndarray
    flights: np.ndarray
    appointments: np.ndarray
    chnv: np.ndarray
    appointment_rule: str
    denial: float
    flight_share: float
    market: Market
    choice: Choice
    burn_in: int = 0

    @property
    def max_age(self) -> int:
        return self.days + INITIAL_AGE_SPREAD_DAYS + 1

    @property
    def group_count(self) -> int:
        return len(self.groups.shares)


@dataclass(frozen=True)
class RunInputs:
    """One run's integer capacities per day (fractions rounded up with their probability)."""

    tvrh: np.ndarray
    ad_hoc: np.ndarray
    parole: np.ndarray
    flights: np.ndarray
    appointments: np.ndarray
    chnv: np.ndarray


def _days(distance_km: float, speed_km_per_day: float) -> int:
    return max(1, math.ceil(distance_km / speed_km_per_day))


def _per_day(cap: Cap, policy: Policy) -> float:
    if cap.per == "day":
        return float(cap.limit)
    if cap.per == "month":
        return cap.limit * 12 / 365.25
    if cap.per in ("year", "fiscal_year"):
        return cap.limit / 365.25
    # a total cap is spread over the version's time in force (a year when open-ended)
    span = (
        365
        if policy.effective_until is None
        else ((policy.effective_until - policy.effective_from).days + 1)
    )
    return cap.limit / span


def daily_capacity(capacity: Capacity, catalogue: Catalogue, start: date, days: int) -> np.ndarray:
    """Capacity per day; a policy cap follows the version in force each day (0 when none is)."""
    if capacity.policy_cap is None:
        return np.full(days, float(capacity.value or 0.0) * capacity.multiplier)
    reference = capacity.policy_cap
    if reference.pathway not in catalogue.pathway_ids():
        raise ValueError(f"policy_cap: no policy {reference.pathway!r} in policies/")
    values = np.zeros(days)
    for offset in range(days):
        policy = catalogue.in_effect(reference.pathway, start + timedelta(days=offset))
        if policy is None:
            continue
        caps = [cap for cap in policy.caps if cap.site == reference.site]
        if not caps:
            raise ValueError(
                f"policy_cap: {policy.id}@{policy.version} has no cap for site {reference.site!r}"
            )
        values[offset] = min(_per_day(cap, policy) for cap in caps)
    return values * capacity.multiplier


def compile_scenario(
    scenario: Scenario, catalogue: Catalogue, network: Network, population_seed: int = 0
) -> Compiled:
    journey = scenario.journey
    speed = journey.speed_km_per_day.value

    def north_km(origin: str) -> float:
        return sum(d.share * network.distance_km(origin, d.node) for d in journey.north)

    capacities = scenario.capacities
    behaviour = scenario.behaviour

    def daily(capacity: Capacity) -> np.ndarray:
        return daily_capacity(capacity, catalogue, scenario.start, scenario.days)

    return Compiled(
        scenario_id=scenario.id,
        start=scenario.start,
        days=scenario.days,
        groups=eligibility_groups(scenario, catalogue, population_seed),
        arrivals_per_day=scenario.population.arrivals_per_day.value,
        arrivals_elsewhere_per_day=scenario.population.arrivals_elsewhere_per_day.value,
        initial_south=round(scenario.population.initial_waiting_south.value),
        initial_north=round(scenario.population.initial_waiting_north.value),
        delay_to_south=_days(network.distance_km(journey.entry, journey.south), speed),
        delay_elsewhere_to_south=_days(
            network.distance_km(journey.elsewhere, journey.south), speed
        ),
        delay_south_to_cdmx=_days(network.distance_km(journey.south, journey.cdmx), speed),
        delay_south_to_north=_days(north_km(journey.south), speed),
        delay_cdmx_to_north=_days(north_km(journey.cdmx), speed),
        delay_smuggled=max(1, round(journey.smuggled_days_to_us.value)),
        tvrh=daily(capacities.tvrh_per_day),
        ad_hoc_monthly=(
            capacities.tvrh_ad_hoc_monthly_min.value,
            capacities.tvrh_ad_hoc_monthly_max.value,
        ),
        parole=daily(capacities.parole_interviews_per_day),
        flights=daily(capacities.flights_per_day),
        appointments=daily(capacities.appointments_per_day),
        chnv=daily(capacities.chnv_per_day),
        appointment_rule=capacities.appointment_rule,
        denial=behaviour.parole_denial_share.value,
        flight_share=behaviour.flight_share.value,
        market=Market.from_scenario(scenario.smuggling),
        choice=Choice.from_scenario(behaviour),
        burn_in=scenario.burn_in_days,
    )


def _round_randomly(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    whole = np.floor(values)
    rounded: np.ndarray = (whole + (rng.random(values.shape) < values - whole)).astype(np.int64)
    return rounded


def draw_run_inputs(model: Compiled, rng: np.random.Generator) -> RunInputs:
    """The day's integer capacities. Ad hoc TVRH issuance (status quo) is drawn per calendar
    month, uniformly between the scenario's monthly bounds, and spread over the month's days."""
    low, high = sorted(model.ad_hoc_monthly)  # bounds varied apart may cross
    ad_hoc = np.zeros(model.days)
    month_rate: dict[tuple[int, int], float] = {}
    for offset in range(model.days):
        day = model.start + timedelta(days=offset)
        key = (day.year, day.month)
        if key not in month_rate:
            length = calendar.monthrange(day.year, day.month)[1]
            month_rate[key] = rng.uniform(low, high) / length if high > 0 else 0.0
        ad_hoc[offset] = month_rate[key]
    return RunInputs(
        tvrh=_round_randomly(model.tvrh, rng),
        ad_hoc=_round_randomly(ad_hoc, rng),
        parole=_round_randomly(model.parole, rng),
        flights=_round_randomly(model.flights, rng),
        appointments=_round_randomly(model.appointments, rng),
        chnv=_round_randomly(model.chnv, rng),
    )
