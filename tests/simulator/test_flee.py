from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from corredor.simulator.flee_engine import (
    _Rules,
    _stay_if_full,
    averaged_relative_difference,
    run_flee_agents,
    run_flee_counts,
)
from corredor.simulator.flee_input import FleeInputError, correct_registrations, read_flee

FLEE = Path(__file__).resolve().parents[2] / "data" / "flee"


def test_mali_reads_without_defects() -> None:
    scenario = read_flee(FLEE / "flee-mali2012")
    assert scenario.defects == []
    assert scenario.days == 300 and len(scenario.locations) == 23 and len(scenario.routes) == 35
    assert set(scenario.observed_camps) == {
        "Bobo-Dioulasso",
        "Mentao",
        "Fassala-Mbera",
        "Abala",
        "Mangaize",
        "Tabareybarey",
        "Niamey",
    }
    # observed series are interpolated: Bobo-Dioulasso from 0 on 2012-03-21 to 950 on 03-24,
    # divided by the simsetting's hasten (10) and truncated to whole people, as Flee reads them
    assert scenario.settings["hasten"] == 10
    bobo = scenario.observed_camps["Bobo-Dioulasso"]
    assert bobo[21] == 0 and bobo[24] == 95 and 0 < bobo[22] < 95
    assert bobo[22] == int(bobo[22])


def test_venezuela_reports_the_misspelled_conflict_zone() -> None:
    scenario = read_flee(FLEE / "flee-venezuela2022")
    joined = "\n".join(scenario.defects)
    assert "'Distrito Capital' is not a location (locations.csv has 'Distrito_Capital')" in joined
    assert "conflict zone 'Distrito_Capital' has no column" in joined


def test_a_route_to_an_unknown_place_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "mali"
    shutil.copytree(FLEE / "flee-mali2012", copy)
    routes = copy / "input_csv" / "routes.csv"
    routes.chmod(0o644)
    routes.write_text(routes.read_text() + "Kidal,Atlantis,100,0\n")
    scenario = read_flee(copy)
    assert any("unknown location Atlantis" in d for d in scenario.defects)
    (copy / "input_csv" / "sim_period.csv").unlink()
    with pytest.raises(FleeInputError, match=r"sim_period\.csv: missing"):
        read_flee(copy)


def test_flee_rules_reproduce_mali_about_as_well_as_flee() -> None:
    """Flee 3.1 itself scores about 0.35 on mali2012 at its shipped hasten (measured beside
    Corredor in benchmarks/results/simulator.md); ours over three seeds must be in that range."""
    scenario = read_flee(FLEE / "flee-mali2012")
    runs = [run_flee_counts(scenario, seed) for seed in (1, 2, 3)]
    plain = np.mean([averaged_relative_difference(scenario, run) for run in runs])
    rescaled = np.mean([averaged_relative_difference(scenario, run, rescaled=True) for run in runs])
    assert 0.2 < plain < 0.5
    assert 0.15 < rescaled < 0.4
    # the camps fill: Fassala-Mbera (Mauritania) holds most of the observed refugees
    final = {name: series[-1] for name, series in runs[0].camps.items()}
    assert max(final, key=final.__getitem__) == "Fassala-Mbera"


def test_agent_and_count_flee_engines_agree_on_mali() -> None:
    scenario = read_flee(FLEE / "flee-mali2012")
    counts, agents = run_flee_counts(scenario, 4), run_flee_agents(scenario, 5)
    assert counts.agent_days == pytest.approx(agents.agent_days, rel=0.02)
    for camp in ("Fassala-Mbera", "Mentao", "Tabareybarey"):
        assert counts.camps[camp][-1] == pytest.approx(agents.camps[camp][-1], rel=0.15), camp


def test_hasten_scales_populations_capacities_and_observed_series() -> None:
    full = read_flee(FLEE / "flee-mali2012", hasten=1)
    tenth = read_flee(FLEE / "flee-mali2012", hasten=10)
    assert full.observed_camps_raw["Bobo-Dioulasso"][24] == 950
    for a, b in zip(full.locations, tenth.locations, strict=True):
        assert b.population == a.population // 10
    assert tenth.observed_total[-1] == pytest.approx(full.observed_total[-1] / 10, rel=0.01)


def test_registration_corrections_scale_the_earlier_counts_as_flee_does() -> None:
    points = [(0, 100.0), (10, 200.0), (20, 120.0), (30, 130.0)]
    corrected, factor = correct_registrations(points, 20)
    assert factor == pytest.approx(0.6)
    assert corrected == [(0, 60.0), (10, 120.0), (20, 120.0), (30, 130.0)]
    # no data point on that day: Flee changes nothing
    assert correct_registrations(points, 15) == (points, None)
    scenario = read_flee(FLEE / "flee-mali2012", hasten=1)
    # Mentao's first level-2 count is on day 217 (2012-10-03): earlier counts shrink, later stay
    raw, fixed = scenario.observed_camps_raw["Mentao"], scenario.observed_camps["Mentao"]
    assert fixed[150] < 0.7 * raw[150]
    assert fixed[250] == raw[250]


def test_new_people_come_from_the_camp_series_or_from_refugees_csv() -> None:
    camps = read_flee(FLEE / "flee-mali2012", hasten=1)
    total = read_flee(FLEE / "flee-mali2012", hasten=1, sum_from_camps=False)
    summed = np.sum(list(camps.observed_camps.values()), axis=0)
    assert np.array_equal(camps.observed_total, summed)
    # refugees.csv counts people Flee's corrected camp series do not: far more people
    assert total.observed_total[-1] > 1.5 * camps.observed_total[-1]


def test_flee_defaults_apply_without_a_simsetting() -> None:
    scenario = read_flee(FLEE / "flee-venezuela2022")
    s = scenario.settings
    assert (s["max_move_speed"], s["camp_weight"], s["capacity_buffer"]) == (360.0, 1.0, 0.9)
    assert s["conflict_weight"] == pytest.approx(10**-0.5)


def test_an_unimplemented_setting_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "mali"
    shutil.copytree(FLEE / "flee-mali2012", copy)
    settings = copy / "simsetting.yml"
    settings.chmod(0o644)
    settings.write_text(settings.read_text().replace("weight_power: 1.0", "weight_power: 2.0"))
    scenario = read_flee(copy)
    assert "simsetting.yml: move_rules.weight_power = 2.0 is not implemented" in scenario.defects


def test_conflict_zone_scores_decay_as_in_flee() -> None:
    scenario = read_flee(FLEE / "flee-mali2012")
    rules = _Rules(scenario)
    kidal = scenario.index()["Kidal"]  # a conflict zone from day 0, intensity 1
    assert scenario.conflicts[0, kidal] == 1
    # decay [1, 1, 1, 0.5, 0.1] per 30 days: weight 0.25 ** 1, then 0.25 ** 0.5, then 0.25 ** 0.1
    assert rules.score(10)[kidal] == pytest.approx(0.25)
    assert rules.score(100)[kidal] == pytest.approx(0.5)
    assert rules.score(200)[kidal] == pytest.approx(0.25**0.1)
    camp = scenario.index()["Fassala-Mbera"]
    assert rules.score(10)[camp] == pytest.approx(5.0)  # camp_weight × foreign_weight 1


def test_a_route_to_a_nearly_full_camp_is_dropped() -> None:
    scenario = read_flee(FLEE / "flee-mali2012")
    rules = _Rules(scenario)
    camp = scenario.index()["Mentao"]
    occupancy = np.zeros(len(scenario.locations))
    occupancy[camp] = rules.capacity[camp] * 0.80  # factor 0.8 at buffer 0.75: still open
    assert not rules.nearly_full_camps(occupancy)[camp]
    occupancy[camp] = rules.capacity[camp] * 0.90  # factor 0.4: Flee drops the route
    assert rules.nearly_full_camps(occupancy)[camp]
    per_link = np.zeros(len(rules.graph.km), dtype=np.int64)
    into = np.flatnonzero(rules.graph.ends == camp)
    per_link[into] = 7
    staying = _stay_if_full(per_link, rules, occupancy)
    assert staying[into].sum() == 7 * into.size and per_link.sum() == 0


def _line_scenario(root: Path) -> Path:
    """A conflict zone A, a town B 50 km away, a camp C 450 km beyond B (200 km a day)."""
    inputs, sources = root / "input_csv", root / "source_data"
    inputs.mkdir(parents=True)
    sources.mkdir()
    (inputs / "locations.csv").write_text(
        "#name,region,country,lat,lon,location_type,conflict_date,population\n"
        "A,A,X,0,0,conflict_zone,0,1000\nB,B,X,0,0,town,,1000\nC,C,Y,0,0,camp,,100000\n"
    )
    (inputs / "routes.csv").write_text("#name1,name2,distance\nA,B,50\nB,C,450\n")
    (inputs / "closures.csv").write_text("#closure_type,name1,name2,closure_start,closure_end\n")
    (inputs / "conflicts.csv").write_text("#Day,A\n" + "".join(f"{d},1\n" for d in range(12)))
    (inputs / "sim_period.csv").write_text("StartDate,2020-01-01\nLength,12\n")
    (sources / "data_layout.csv").write_text("total,refugees.csv\nC,c.csv\n")
    (sources / "refugees.csv").write_text("Date,n\n2020-01-01,0\n2020-01-12,110\n")
    (sources / "c.csv").write_text("Date,n\n2020-01-01,0\n2020-01-12,110\n")
    (root / "simsetting.yml").write_text(
        "move_rules:\n  max_move_speed: 200.0\n  default_movechance: 1.0\n"
        "  conflict_movechance: 1.0\n  camp_movechance: 0.0\n  camp_weight: 1000.0\n"
        "spawn_rules:\n  insert_day0: True\n"
    )
    return root


def test_an_onward_long_hop_takes_as_many_days_in_both_engines(tmp_path: Path) -> None:
    """Spawned on day 1 at A, at B the same day (50 km), then 450 km on to C: 200 km more on
    day 1, 200 on day 2, the last 50 on day 3. Both engines (and Flee) reach C on day 3."""
    scenario = read_flee(_line_scenario(tmp_path / "line"))
    assert scenario.defects == []
    for engine in (run_flee_counts, run_flee_agents):
        camp = engine(scenario, 1).camps["C"]
        assert np.flatnonzero(camp > 0)[0] == 3, engine.__name__
