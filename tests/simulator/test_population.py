from __future__ import annotations

from datetime import date

import numpy as np

from corredor.screening.domain.catalogue import Catalogue
from corredor.simulator.network import Network
from corredor.simulator.population import eligibility_groups
from corredor.simulator.scenario import load_scenario


def test_phases_of_the_policy_file_open_groups_on_their_dates(catalogue: Catalogue) -> None:
    scenario = load_scenario("joint-corridor-families-first")
    groups = eligibility_groups(scenario, catalogue, seed=1)
    phases = {
        phase.id: phase.opens
        for phase in catalogue.in_effect("mx-us-joint-corridor", scenario.start).phases
    }  # type: ignore[union-attr]
    openings = {}
    for label, row in zip(groups.labels, groups.open, strict=True):
        openings[label] = int(np.argmax(row)) if row.any() else None
    day = {key: (opens - scenario.start).days for key, opens in phases.items()}
    assert openings["eligible from 2026-01-15"] == day["phase-1"] == 0
    assert openings["eligible from 2027-03-01"] == day["phase-2"]
    assert openings["eligible from 2027-09-01"] == day["phase-3"]
    assert openings["never eligible"] is None
    # once open, a group stays open (the policy file has no closing date in this window)
    for row in groups.open:
        if row.any():
            assert row[int(np.argmax(row)) :].all()


def test_group_shares_follow_the_scenario_population(catalogue: Catalogue) -> None:
    scenario = load_scenario("joint-corridor-families-first")
    groups = eligibility_groups(scenario, catalogue, seed=2)
    share = dict(zip(groups.labels, groups.shares, strict=True))
    population = scenario.population
    no_record = 1 - population.share_criminal_history.value
    n = population.sample_size
    tolerance = 4 * np.sqrt(0.25 / n)  # 4 standard errors of a sample proportion
    assert abs(share["never eligible"] - population.share_criminal_history.value) < tolerance
    assert (
        abs(share["eligible from 2026-01-15"] - population.share_child_under_6.value * no_record)
        < tolerance
    )
    assert abs(sum(groups.shares) - 1) < 1e-12


def test_status_quo_has_no_corridor(catalogue: Catalogue, network: Network) -> None:
    groups = eligibility_groups(load_scenario("status-quo-2023"), catalogue)
    assert groups.open.shape == (1, 365)
    assert not groups.open.any()
    assert date(2023, 1, 1) == load_scenario("status-quo-2023").start
