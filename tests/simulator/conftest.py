from __future__ import annotations

from pathlib import Path

import pytest

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.policy_files import load_catalogue
from corredor.simulator.model import Compiled, compile_scenario
from corredor.simulator.network import Network, load_network
from corredor.simulator.scenario import Scenario, default_scenario_dir, load_scenario

# A small corridor (about 50 arrivals a day, capacities scaled alike) over a phase opening, so
# many seeds of both engines fit in a few seconds.
SMALL = """
extends: {base}
id: small-corridor
start: 2027-01-01
days: 120
population:
  arrivals_per_day: {{value: 30, assumption: test}}
  arrivals_elsewhere_per_day: {{value: 20, assumption: test}}
  initial_waiting_south: {{value: 200, assumption: test}}
  initial_waiting_north: {{value: 300, assumption: test}}
  sample_size: 3000
capacities:
  tvrh_per_day: {{value: 25.5, assumption: test}}
  tvrh_ad_hoc_monthly_min: {{value: 150, assumption: test}}
  tvrh_ad_hoc_monthly_max: {{value: 300, assumption: test}}
  parole_interviews_per_day: {{value: 18, assumption: test}}
  flights_per_day: {{value: 12, assumption: test}}
  appointments_per_day: {{value: 15, assumption: test}}
smuggling:
  reference_demand_per_day: {{value: 3, assumption: test}}
"""


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def network() -> Network:
    return load_network()


@pytest.fixture(scope="session")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    base = default_scenario_dir() / "joint-corridor-families-first.yaml"
    path: Path = tmp_path_factory.mktemp("scenarios") / "small-corridor.yaml"
    path.write_text(SMALL.format(base=base), encoding="utf-8")
    return load_scenario(str(path))


@pytest.fixture(scope="session")
def small_model(small_scenario: Scenario, catalogue: Catalogue, network: Network) -> Compiled:
    return compile_scenario(small_scenario, catalogue, network)
