from __future__ import annotations

from pathlib import Path

import pytest

from corredor.simulator.network import NetworkError, great_circle_km, load_network
from corredor.simulator.scenario import Capacity, ScenarioError, load_scenario, scenario_names

EXPECTED = {
    "status-quo-2023",
    "joint-corridor",
    "joint-corridor-families-first",
    "joint-corridor-half-capacity",
    "joint-corridor-double-capacity",
    "joint-corridor-moved-appointments",
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
    broken = text.replace(
        'assumption: "daily chance that someone waiting stops', 'note: "daily chance'
    )
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    with pytest.raises(ScenarioError, match=r"behaviour\.give_up_per_day"):
        load_scenario(str(path))


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
