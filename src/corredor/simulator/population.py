"""Who may use the corridor, and from when: the policy file run through the vectorized evaluator.

A seeded synthetic sample of the people arriving at the southern border is screened on every
date where the rule can change (the scenario's first day, each phase's opening, the policy's
start and end). People with the same answers on all those dates form one group; the simulator
moves groups, not profiles, so eligibility costs nothing per simulated day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from corredor.screening.bulk.vectorized import screen_frame
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.rules import Outcome
from corredor.simulator.scenario import Scenario

# Nationality mix of the Darién crossings (seed 002: "mostly Venezuelans, Ecuadorians and
# Haitians"); the split itself is an assumption, and nationality does not change the corridor rule.
NATIONALITIES = ["VE", "EC", "HT", "CO", "CN", "CU"]
NATIONALITY_SHARES = [0.55, 0.17, 0.10, 0.07, 0.06, 0.05]


@dataclass(frozen=True)
class Groups:
    """`shares[g]`: fraction of arrivals in group g; `open[g, day]`: corridor open to them."""

    shares: np.ndarray
    open: np.ndarray
    labels: list[str]


def synthetic_arrivals(scenario: Scenario, seed: int) -> pl.DataFrame:
    """Profiles of people at a designated point in Chiapas on the scenario's first day."""
    population = scenario.population
    rng = np.random.default_rng(seed)
    n = population.sample_size
    start = scenario.start
    under_6 = population.share_child_under_6.value
    child_6_17 = population.share_child_6_to_17.value
    kind = rng.choice(3, n, p=[under_6, child_6_17, 1 - under_6 - child_6_17])
    # a child's age in days on the first day: 0-5 years, or 6-17 years
    child_age = np.where(
        kind == 0, rng.integers(0, 6 * 365, n), rng.integers(6 * 365 + 2, 18 * 365 - 2, n)
    )
    child_birth = [start - timedelta(days=int(days)) for days in child_age]
    adult_birth = [
        start - timedelta(days=int(days)) for days in rng.integers(18 * 365 + 5, 60 * 365, n)
    ]
    households = [
        [] if k == 2 else [{"relation": "child", "birth_date": born}]
        for k, born in zip(kind, child_birth, strict=True)
    ]
    return pl.DataFrame(
        {
            "nationality": rng.choice(NATIONALITIES, n, p=NATIONALITY_SHARES),
            "current_country": ["MX"] * n,
            "current_region": ["MX-CHP"] * n,
            "birth_date": adult_birth,
            "criminal_history": rng.random(n) < population.share_criminal_history.value,
            "household": households,
            "documents": [["passport"]] * n,
        }
    )


def change_dates(catalogue: Catalogue, pathway: str, start: date, end: date) -> list[date]:
    """The first day and every day in (start, end] on which the pathway's rule may change."""
    dates = {start}
    for policy in catalogue.versions(pathway):
        candidates = [policy.effective_from, *(phase.opens for phase in policy.phases)]
        if policy.effective_until is not None:
            candidates.append(policy.effective_until + timedelta(days=1))
        dates.update(day for day in candidates if start < day <= end)
    return sorted(dates)


def eligibility_groups(scenario: Scenario, catalogue: Catalogue, seed: int = 0) -> Groups:
    days = scenario.days
    if scenario.corridor_pathway is None:
        return Groups(shares=np.ones(1), open=np.zeros((1, days), dtype=bool), labels=["all"])
    pathway = scenario.corridor_pathway
    if pathway not in catalogue.pathway_ids():
        raise ValueError(f"corridor_pathway: no policy {pathway!r} in policies/")
    end = scenario.start + timedelta(days=days - 1)
    dates = change_dates(catalogue, pathway, scenario.start, end)
    frame = synthetic_arrivals(scenario, seed)
    answers = np.column_stack(
        [
            screen_frame(catalogue, frame, day).get_column(pathway).to_numpy()
            == Outcome.ELIGIBLE.value
            for day in dates
        ]
    )
    patterns, counts = np.unique(answers, axis=0, return_counts=True)
    day_index = np.array(
        [(scenario.start + timedelta(days=t) - dates[0]).days for t in range(days)]
    )
    offsets = np.array([(day - dates[0]).days for day in dates])
    period = np.searchsorted(offsets, day_index, side="right") - 1
    open_by_day = patterns[:, period]
    labels = [_label(pattern, dates) for pattern in patterns]
    return Groups(shares=counts / counts.sum(), open=open_by_day, labels=labels)


def _label(pattern: np.ndarray, dates: list[date]) -> str:
    if not pattern.any():
        return "never eligible"
    first = dates[int(np.argmax(pattern))]
    return f"eligible from {first.isoformat()}"
