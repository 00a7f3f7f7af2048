from __future__ import annotations

from pathlib import Path

import pytest

from corredor.simulator.network import NetworkError, great_circle_km, load_network
from corredor.simulator.scenario import (
    COMPARISON,
    Capacity,
    ScenarioError,
    load_scenario,
    scenario_names,
)

EXPECTED = {
    "status-quo-2023",
    "status-quo",
    "joint-corridor",
    "joint-corridor-families-first",
    "joint-corridor-half-capacity",
    "joint-corridor-double-capacity",
    "joint-corridor-plus-appointments",
}


def test_every_shipped_scenario_loads_and_every_number_has_provenance() -> None:
    assert set(scenario_names()) >= EXPECTED
    for name in scenario_names():
        scenario = load_scenario(name)
        assert scenario.id == name
        for field, parameter in scenario.parameters():
            if isinstance(parameter, Capacity) and parameter.policy_cap is not None:
                continue
            assert (parameter.source is None) != (parameter.assumption is None), field


def test_a_variant_overrides_only_what_it_names() -> None:
    base, half = load_scenario("joint-corridor"), load_scenario("joint-corridor-half-capacity")
    assert half.capacities.parole_interviews_per_day.multiplier == 0.5
    assert half.capacities.parole_interviews_per_day.policy_cap == (
        base.capacities.parole_interviews_per_day.policy_cap
    )
    assert half.population == base.population
    # a parameter given anew replaces the base's provenance instead of mixing with it
    assert base.capacities.tvrh_per_day.value is None


def test_a_number_without_source_or_assumption_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = (
        Path(load_scenario.__code__.co_filename).parents[3] / "scenarios" / "status-quo-2023.yaml"
    ).read_text()
    broken = text.replace('assumption: "bus fares', 'note: "bus fares')
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    with pytest.raises(ScenarioError, match=r"behaviour\.north_cost_usd"):
        load_scenario(str(path))
    outside = text.replace("value: 300\n    range: [100, 800]", "value: 900\n    range: [100, 800]")
    path.write_text(outside)
    with pytest.raises(ScenarioError, match=r"outside its range"):
        load_scenario(str(path))


def test_the_headline_corridor_follows_its_policy_file_and_departures_are_labelled() -> None:
    headline = load_scenario("joint-corridor")
    # policies/mx-us-joint-corridor: the Mexico City interviews replace the border appointments
    assert headline.capacities.appointments_per_day.value == 0
    assert headline.departure is None
    plus = load_scenario("joint-corridor-plus-appointments")
    assert plus.capacities.appointments_per_day.value == 1450
    assert plus.departure is not None and "replace" in plus.departure


def test_the_scenarios_compared_share_calendar_horizon_and_burn_in() -> None:
    compared = [load_scenario(name) for name in COMPARISON]
    assert {(s.start, s.days, s.burn_in_days) for s in compared} == {
        (compared[0].start, compared[0].days, compared[0].burn_in_days)
    }
    assert compared[0].burn_in_days > 0
    assert compared[0].days - compared[0].burn_in_days >= 365


def test_unknown_scenario_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="status-quo-2023"):
        load_scenario("no-such-scenario")


def test_network_distances_are_at_least_the_great_circle() -> None:
    network = load_network()
    for route in network.routes:
        straight = great_circle_km(network.node(route.start), network.node(route.end))
        assert route.km >= 0.95 * straight, route
    assert 2000 < network.distance_km("pa-darien-bajo-chiquito", "mx-chp-tapachula") < 3500


def test_network_with_an_unknown_node_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(
        "nodes:\n"
        "  - {id: a, name: A, country: MX, region: MX-CHP, latitude: 15, longitude: -92, stage: south}\n"
        "  - {id: b, name: B, country: MX, region: MX-CMX, latitude: 19, longitude: -99, stage: cdmx}\n"
        "routes:\n  - {from: a, to: c, km: 10, mode: bus}\n"
    )
    with pytest.raises(NetworkError, match="unknown node 'c'"):
        load_network(path)
