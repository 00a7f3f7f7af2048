"""`corredor simulate SCENARIO`, `corredor simulate compare A B ...`,
`corredor simulate sensitivity SCENARIO` (Morris, Sobol, intervals and tornado charts) and
`corredor simulate validate [FLEE_DIR]` (Flee's scenarios: ARD against the observed camp data).

NumPy, Dask, polars, matplotlib and the simulator are imported inside the commands, so that
`corredor --help` stays fast and light.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from corredor.kernel.resources import shipped

if TYPE_CHECKING:
    from corredor.simulator.report import ScenarioResult

Engine = Literal["count", "agent"]

console = Console()
errors = Console(stderr=True, soft_wrap=True)
DEFAULT_OUT = Path("var/simulations")
FLEE_DIR = shipped("data") / "flee" / "flee-mali2012"


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=2)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _run_scenarios(
    names: list[str], *, runs: int, seed: int, engine: Engine, scheduler: str | None, workers: int
) -> list[ScenarioResult]:
    from corredor.screening.domain.problems import PolicyFileError
    from corredor.screening.use_cases.policies import read_catalogue
    from corredor.simulator.model import compile_scenario
    from corredor.simulator.montecarlo import dask_client, run_many
    from corredor.simulator.network import NetworkError, load_network
    from corredor.simulator.report import ScenarioResult
    from corredor.simulator.scenario import ScenarioError, load_scenario

    try:
        catalogue, network = read_catalogue(), load_network()
        scenarios = [load_scenario(name) for name in names]
        models = [compile_scenario(s, catalogue, network, population_seed=seed) for s in scenarios]
    except (ScenarioError, NetworkError, PolicyFileError, ValueError) as error:
        raise _fail(str(error)) from error
    results = []
    with dask_client(scheduler, workers) as client, _progress() as progress:
        for scenario, model in zip(scenarios, models, strict=True):
            task = progress.add_task(scenario.id, total=runs)
            series = run_many(
                model,
                runs,
                seed,
                engine=engine,
                client=client,
                on_done=_advance(progress, task),
            )
            results.append(ScenarioResult(scenario, series, seed))
    return results


def _advance(progress: Progress, task: TaskID) -> Callable[[int], None]:
    def done(finished: int) -> None:
        progress.update(task, completed=finished)

    return done


def _summary(results: list[ScenarioResult]) -> Table:
    import numpy as np

    from corredor.simulator.outputs import mean_ci, totals

    table = Table(
        title="steady state (after each scenario's burn-in): means over runs (95% CI); "
        "flows in people per year, waiting in people, price in US dollars"
    )
    table.add_column("measure")
    for result in results:
        table.add_column(result.scenario.id, justify="right")
    per_run = [
        [_per_year(totals(run, r.scenario.burn_in_days), r.scenario) for run in r.runs]
        for r in results
    ]
    for name in (
        "waiting_north",
        "waiting_south",
        "waiting_cdmx",
        "land_port_arrivals",
        "flights",
        "irregular_crossings",
        "smuggling_demand",
        "smuggling_price",
    ):
        cells = []
        for runs in per_run:
            mean, low, high = mean_ci(np.array([t[name] for t in runs]))
            cells.append(f"{mean:,.0f} ({low:,.0f}–{high:,.0f})")
        table.add_row(name, *cells)
    return table


def simulate(  # noqa: PLR0917 - a Typer command takes its options as parameters
    names: Annotated[
        list[str],
        typer.Argument(
            help="A scenario (scenarios/<name>.yaml or a path); 'compare A B ...' for a report; "
            "'sensitivity SCENARIO' for the global sensitivity analysis; "
            "'validate [FLEE_DIR]' for the Flee validation."
        ),
    ],
    runs: Annotated[int, typer.Option(min=1, help="Monte Carlo runs per scenario.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the sweep; every run derives from it.")] = 2023,
    out: Annotated[Path | None, typer.Option(help="Output directory.")] = None,
    engine: Annotated[str, typer.Option(help="count or agent.")] = "count",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address; default a local cluster.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Threads of the local cluster.")] = 2,
    trajectories: Annotated[int, typer.Option(min=2, help="sensitivity: Morris trajectories.")] = 2,
    sobol_n: Annotated[
        int, typer.Option(min=2, help="sensitivity: Saltelli base sample (a power of 2).")
    ] = 4,
    top: Annotated[
        int, typer.Option(min=1, help="sensitivity: parameters given Sobol indices.")
    ] = 3,
    draws: Annotated[int, typer.Option(min=2, help="sensitivity: runs for the intervals.")] = 8,
    days: Annotated[
        int, typer.Option(min=2, help="sensitivity: horizon in days (0: the scenario's).")
    ] = 240,
    burn_in: Annotated[
        int, typer.Option(min=0, help="sensitivity: burn-in days (with a --days).")
    ] = 120,
) -> None:
    """Run a scenario N times and write its daily series, or compare scenarios in a report."""
    if names[0] == "sensitivity":
        if len(names) != 2:
            raise _fail("sensitivity needs one scenario")
        _sensitivity(
            names[1],
            seed=seed,
            out=out,
            scheduler=scheduler,
            workers=workers,
            shape=(trajectories, sobol_n, top, draws, days, burn_in),
        )
        return
    if engine not in ("count", "agent"):
        raise _fail(f"--engine: {engine!r} is not one of count, agent")
    chosen: Engine = "count" if engine == "count" else "agent"
    if names[0] == "validate":
        _validate(Path(names[1]) if len(names) > 1 else FLEE_DIR, runs, seed, out)
        return
    if names[0] == "compare":
        if len(names) < 3:
            raise _fail("compare needs at least two scenarios")
        results = _run_scenarios(
            names[1:], runs=runs, seed=seed, engine=chosen, scheduler=scheduler, workers=workers
        )
        from corredor.simulator.outputs import write_outputs
        from corredor.simulator.report import write_report

        directory = out or DEFAULT_OUT / "compare"
        for result in results:
            write_outputs(
                directory / result.scenario.id,
                result.runs,
                result.scenario.start,
                result.scenario.id,
                result.scenario.burn_in_days,
            )
        report = write_report(results, directory)
        console.print(_summary(results))
        console.print(f"report: {report}")
        return
    if len(names) != 1:
        raise _fail("give one scenario, or 'compare A B ...'")
    results = _run_scenarios(
        names, runs=runs, seed=seed, engine=chosen, scheduler=scheduler, workers=workers
    )
    result = results[0]
    from corredor.simulator.outputs import write_outputs

    directory = out or DEFAULT_OUT / result.scenario.id
    written = write_outputs(
        directory,
        result.runs,
        result.scenario.start,
        result.scenario.id,
        result.scenario.burn_in_days,
    )
    console.print(_summary(results))
    for path in written:
        console.print(f"wrote {path}")


def _per_year(found: dict[str, float], scenario: object) -> dict[str, float]:
    """Flows over the steady-state window as people per year (stocks and levels unchanged)."""
    from corredor.simulator.outputs import LEVELS, STOCKS

    days = getattr(scenario, "days", 365) - getattr(scenario, "burn_in_days", 0)
    return {
        name: value if name in STOCKS or name in LEVELS else value * 365.0 / days
        for name, value in found.items()
    }


def _sensitivity(
    name: str,
    *,
    seed: int,
    out: Path | None,
    scheduler: str | None,
    workers: int,
    shape: tuple[int, int, int, int, int, int],
) -> None:
    from corredor.screening.domain.problems import PolicyFileError
    from corredor.screening.use_cases.policies import read_catalogue
    from corredor.simulator.montecarlo import dask_client
    from corredor.simulator.network import NetworkError, load_network
    from corredor.simulator.scenario import ScenarioError, load_scenario
    from corredor.simulator.sensitivity import (
        OUTCOMES,
        Settings,
        analyse,
        summary,
        write_tornado,
    )

    trajectories, sobol_n, top, draws, days, burn_in = shape
    if sobol_n & (sobol_n - 1):
        raise _fail(f"--sobol-n: {sobol_n} is not a power of 2")
    try:
        scenario = load_scenario(name)
        catalogue, network = read_catalogue(), load_network()
        settings = Settings(
            trajectories=trajectories,
            sobol_n=sobol_n,
            top=top,
            draws=draws,
            days=days or None,
            burn_in=burn_in if days else None,
            seed=seed,
        )
        if days and burn_in >= days:
            raise ValueError(f"--burn-in ({burn_in}) must be under --days ({days})")
    except (ScenarioError, NetworkError, PolicyFileError, ValueError) as error:
        raise _fail(str(error)) from error

    def stage(label: str, count: int) -> None:
        console.print(f"{label}: {count} runs", highlight=False)

    with dask_client(scheduler, workers) as client:
        result = analyse(scenario, catalogue, network, client, settings, on_stage=stage)
    directory = out or DEFAULT_OUT / "sensitivity" / scenario.id
    directory.mkdir(parents=True, exist_ok=True)
    text = summary(result)
    (directory / "sensitivity.md").write_text(text, encoding="utf-8")
    for outcome in OUTCOMES:
        for suffix in ("svg", "png"):
            write_tornado(result, outcome, directory / f"tornado-{outcome}.{suffix}")
    console.print(text, highlight=False, markup=False)
    console.print(f"wrote {directory}")


def _validate(directory: Path, runs: int, seed: int, out: Path | None) -> None:
    import numpy as np

    from corredor.simulator.flee_engine import (
        averaged_relative_difference,
        run_flee_counts,
    )
    from corredor.simulator.flee_input import FleeInputError, read_flee
    from corredor.simulator.montecarlo import run_seeds
    from corredor.simulator.outputs import mean_ci

    try:
        scenario = read_flee(directory)
    except FleeInputError as error:
        raise _fail(str(error)) from error
    for defect in scenario.defects:
        console.print(f"[yellow]input defect:[/] {defect}", highlight=False)
    for line in scenario.settings_report:
        console.print(f"setting: {line}", highlight=False)
    plain, rescaled, raw = [], [], []
    with _progress() as progress:
        task = progress.add_task(scenario.name, total=runs)
        for child in run_seeds(seed, runs):
            run = run_flee_counts(scenario, child)
            plain.append(averaged_relative_difference(scenario, run))
            rescaled.append(averaged_relative_difference(scenario, run, rescaled=True))
            raw.append(averaged_relative_difference(scenario, run, raw=True))
            progress.advance(task)
    lines = []
    for label, values in (
        ("ARD (corrected series, as Flee scores itself)", plain),
        ("ARD rescaled", rescaled),
        ("ARD against the raw published series", raw),
    ):
        mean, low, high = mean_ci(np.array(values))
        lines.append(f"{label}: {mean:.3f} (95% CI {low:.3f}–{high:.3f}, {runs} runs)")
        console.print(lines[-1])
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{scenario.name}-ard.txt").write_text(
            "\n".join(
                [
                    *lines,
                    *(f"defect: {d}" for d in scenario.defects),
                    *(f"setting: {line}" for line in scenario.settings_report),
                ]
            )
            + "\n",
            encoding="utf-8",
        )


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


__all__ = ["register", "simulate"]
