"""Run Flee (installed from PyPI into its own virtual environment) on a scenario directory.

Run by `benchmarks/simulator.py` with the Flee environment's interpreter, never imported by
Corredor. It follows Flee's own run script (`runscripts/run.py` of the Flee repository): read the
settings, the geography, the conflicts and the closures, the validation data scaled down by
`hasten` with the registration corrections applied, insert the day-0 camp populations, then each
day add new conflict zones, spawn the day's new displaced people, close links and evolve.

    .cache/flee-venv/bin/python benchmarks/flee_peer.py SCENARIO_DIR OUT.json [--seed N]
        [--hasten N] [--sum-from-camps | --total-from-refugees-csv]

The scenario is copied to a temporary directory and run there, as FabFlee does, because Flee
reads `input_csv/` relative to the working directory and writes its logs there. OUT.json holds
the simulated population of every camp per day, the agents spawned, the settings Flee used and
the seconds taken by the simulation loop (imports and input reading excluded, and reported apart).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml


def main() -> None:  # noqa: PLR0915 - Flee's run script, step by step
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hasten", type=int, default=None, help="override simsetting's hasten")
    parser.add_argument("--sum-from-camps", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--days", type=int, default=None, help="shorter run (a smoke test)")
    args = parser.parse_args()
    started = time.perf_counter()

    from flee import InputGeography, flee, spawning  # noqa: PLC0415 - Flee's environment only
    from flee.datamanager import handle_refugee_data  # noqa: PLC0415
    from flee.SimulationSettings import SimulationSettings  # noqa: PLC0415

    random.seed(args.seed)
    np.random.seed(args.seed)  # Flee draws from the global generators

    with tempfile.TemporaryDirectory(prefix="flee-peer-") as work:
        run_dir = Path(work) / args.scenario.name
        shutil.copytree(args.scenario, run_dir)
        os.chdir(run_dir)
        settings_path = run_dir / "simsetting.yml"
        settings = (
            yaml.safe_load(settings_path.read_text(encoding="utf-8"))
            if settings_path.is_file()
            else {}
        ) or {}
        if args.hasten is not None:
            settings.setdefault("optimisations", {})["hasten"] = args.hasten
        settings_path.write_text(yaml.safe_dump(settings), encoding="utf-8")
        SimulationSettings.ReadFromYML(str(settings_path))
        start_date, length = _period(run_dir / "input_csv" / "sim_period.csv")
        length = min(length, args.days) if args.days else length
        SimulationSettings.ConflictInputFile = "input_csv/conflicts.csv"

        e = flee.Ecosystem()
        ig = InputGeography.InputGeography()
        ig.ReadLocationsFromCSV("input_csv/locations.csv")
        ig.ReadLinksFromCSV("input_csv/routes.csv")
        ig.ReadClosuresFromCSV("input_csv/closures.csv")
        ig.ReadConflictInputCSV("input_csv/conflicts.csv")
        e, lm = ig.StoreInputGeographyInEcosystem(e)
        d = handle_refugee_data.RefugeeTable(
            csvformat="generic",
            data_directory="source_data",
            start_date=start_date,
            data_layout="data_layout.csv",
            population_scaledown_factor=SimulationSettings.optimisations[
                "PopulationScaleDownFactor"
            ],
        )
        d.ReadL1Corrections("input_csv/registration_corrections.csv")
        camps = e.get_camp_names()
        for camp in camps:
            spawning.add_initial_refugees(e, d, lm[camp])
        read_seconds = time.perf_counter() - started

        loop_started = time.perf_counter()
        history: dict[str, list[int]] = {camp: [] for camp in camps}
        spawned, agent_days = 0, 0
        for t in range(length):
            ig.AddNewConflictZones(e, t)
            new, _raw, _debt = spawning.spawn_daily_displaced(
                e, t, d, SumFromCamps=args.sum_from_camps
            )
            spawned += new
            spawning.refresh_spawn_weights(e)
            e.enact_border_closures(t)
            e.evolve()
            for camp in camps:
                history[camp].append(int(lm[camp].numAgents))
            agent_days += e.numAgents()
        loop_seconds = time.perf_counter() - loop_started
        initial = sum(history[camp][0] for camp in camps) if length else 0

    args.out.write_text(
        json.dumps(
            {
                "camps": history,
                "spawned_after_day0": spawned,
                "day0_in_camps_end_of_day0": initial,
                "agents_at_end": e.numAgents(),
                "agent_days": agent_days,
                "hasten": SimulationSettings.optimisations["PopulationScaleDownFactor"],
                "sum_from_camps": args.sum_from_camps,
                "move_rules": {
                    k: v
                    for k, v in SimulationSettings.move_rules.items()
                    if isinstance(v, int | float | bool | str)
                },
                "loop_seconds": loop_seconds,
                "read_seconds": read_seconds,
                "flee_version": _version(),
            }
        ),
        encoding="utf-8",
    )


def _period(path: Path) -> tuple[str, int]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) >= 2:
            values[parts[0].lower()] = parts[1]
    return values["startdate"], int(values["length"])


def _version() -> str:
    from importlib.metadata import version  # noqa: PLC0415

    return version("flee")


if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    main()
