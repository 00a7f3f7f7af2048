"""Sensitivity analysis: what is varied, over what, and that the intervals include it."""

from __future__ import annotations

import numpy as np

from corredor.screening.policy_files import load_catalogue
from corredor.simulator.network import load_network
from corredor.simulator.scenario import Scenario, load_scenario
from corredor.simulator.sensitivity import Settings, assumptions, evaluate, with_values


def test_every_assumption_is_varied_over_its_stated_range_and_sources_are_not() -> None:
    scenario = load_scenario("joint-corridor")
    found = {name: (bounds, value) for name, bounds, value in assumptions(scenario)}
    assert found["behaviour.magnet_legal_elasticity"] == ((0.0, 0.5), 0.2)
    assert found["smuggling.apprehension_share"][0] == (0.15, 0.6)
    # no stated range: half to one and a half times the value
    assert found["journey.smuggled_days_to_us"][0] == (3.5, 10.5)
    assert "population.arrivals_per_day" not in found  # sourced (seed 002), not assumed
    assert "smuggling.enforcement_price_elasticity" not in found
    for bounds, value in found.values():
        assert bounds[0] <= value <= bounds[1]


def test_a_parameter_set_for_a_run_changes_the_outcome(small_scenario: Scenario) -> None:
    raw = small_scenario.model_dump(mode="json", exclude_none=True)
    settings = Settings(days=60, burn_in=20, sample_size=500)
    data = with_values(raw, {"behaviour.north_cost_usd": 800.0}, settings)
    assert data["behaviour"]["north_cost_usd"]["value"] == 800.0
    assert (data["days"], data["burn_in_days"]) == (60, 20)
    catalogue, network = load_catalogue(), load_network()
    cheap = evaluate(
        raw, {"smuggling.reference_price_usd": 4000.0}, 5, settings, catalogue, network
    )
    dear = evaluate(
        raw, {"smuggling.reference_price_usd": 12000.0}, 5, settings, catalogue, network
    )
    assert cheap["smuggling_demand"] > dear["smuggling_demand"]
    assert np.isfinite(list(cheap.values())).all()
