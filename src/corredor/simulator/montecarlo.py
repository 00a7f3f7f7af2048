"""Monte Carlo: many seeded runs of a scenario on Dask, gathered as they finish.

By default a local cluster of threads in this process (NumPy releases the GIL in its draws); give
a scheduler address (`tcp://host:8786`) to run the same sweep on a real Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

import numpy as np
from dask.distributed import Client, LocalCluster, as_completed

from corredor.simulator.agent_engine import run_agents
from corredor.simulator.count_engine import run_count
from corredor.simulator.model import Compiled
from corredor.simulator.outputs import Series

Engine = Literal["count", "agent"]
ENGINES: dict[str, Callable[[Compiled, int], Series]] = {"count": run_count, "agent": run_agents}


def run_seeds(seed: int, runs: int) -> list[int]:
    """Independent, reproducible seeds for runs 0..runs-1 of a sweep started from `seed`."""
    children = np.random.SeedSequence(seed).spawn(runs)
    return [int(child.generate_state(1)[0]) for child in children]


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2) -> Iterator[Client]:
    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            processes=False, n_workers=1, threads_per_worker=workers, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def run_many(
    model: Compiled,
    runs: int,
    seed: int,
    *,
    engine: Engine = "count",
    client: Client | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[Series]:
    """`runs` runs in seed order; `on_done(finished)` after each (for a progress bar)."""
    seeds = run_seeds(seed, runs)
    run = ENGINES[engine]
    if client is None:
        results = []
        for number, child in enumerate(seeds, start=1):
            results.append(run(model, child))
            if on_done:
                on_done(number)
        return results
    shared = client.scatter(model, broadcast=True)  # type: ignore[no-untyped-call]
    futures = [client.submit(run, shared, child, pure=False) for child in seeds]
    position = {future.key: index for index, future in enumerate(futures)}
    ordered: list[Series | None] = [None] * runs
    for finished, future in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
        ordered[position[future.key]] = future.result()
        if on_done:
            on_done(finished)
    return [series for series in ordered if series is not None]
