"""The count engine: head counts per stage × group × days waited, with daily stochastic draws.

Each day, in this order (the agent engine follows the same order):
1. pipes deliver the people whose journey leg ends today;
2. new arrivals cross the Darién, or join in Guatemala, and start the leg to southern Mexico;
   CHNV parolees fly in;
3. the people waiting decide: hire a smuggler, give up, or (in the south, when the corridor is
   not open to them) move on north;
4. services, each up to its capacity: corridor TVRH (longest-waiting first, only groups the
   corridor is open to), ad hoc TVRH (at random), parole interviews (longest-waiting first; some
   are denied and go north), flights, border appointments (by the scenario's rule);
5. the smugglers' price follows the day's demand; everyone still waiting waits one day more.
"""

from __future__ import annotations

import numpy as np

from corredor.simulator.model import Compiled, RunInputs, draw_run_inputs
from corredor.simulator.outputs import Series, empty_series, finish
from corredor.simulator.queues import (
    Pipe,
    age_one_day,
    leave,
    mean_age,
    take_oldest,
    take_random,
)
from corredor.simulator.smuggling import expected_wait

SOUTH, CDMX, FLIGHT, NORTH = range(4)


def initial_queue(model: Compiled, people: int, rng: np.random.Generator) -> np.ndarray:
    """People already waiting on day 0: groups by their shares, 0-89 days waited so far."""
    queue = np.zeros((model.group_count, model.max_age), dtype=np.int64)
    if people == 0:
        return queue
    by_group = rng.multinomial(people, model.groups.shares)
    for group, count in enumerate(by_group):
        queue[group, :90] += rng.multinomial(count, np.full(90, 1 / 90))
    return queue


def serve_appointments(
    queue: np.ndarray, capacity: int, rule: str, rng: np.random.Generator
) -> np.ndarray:
    if rule == "longest_waiting":
        return take_oldest(queue, capacity, rng)
    if rule == "random":
        return take_random(queue, capacity, rng)
    longest = take_oldest(queue, capacity // 2, rng)
    served: np.ndarray = longest + take_random(queue, capacity - int(longest.sum()), rng)
    return served


def run_count(model: Compiled, seed: int) -> Series:  # noqa: PLR0915 - the day's steps, in order
    rng = np.random.default_rng(seed)
    inputs: RunInputs = draw_run_inputs(model, rng)
    groups = model.group_count
    market = model.market
    out = empty_series(model.days)

    south = initial_queue(model, model.initial_south, rng)
    north = initial_queue(model, model.initial_north, rng)
    cdmx = np.zeros_like(south)
    flight = np.zeros_like(south)
    to_south = Pipe(groups, model.delay_to_south)
    elsewhere_to_south = Pipe(groups, model.delay_elsewhere_to_south)
    to_cdmx = Pipe(groups, model.delay_south_to_cdmx)
    to_north = Pipe(groups, model.delay_south_to_north)
    cdmx_to_north = Pipe(groups, model.delay_cdmx_to_north)
    to_port = Pipe(groups, model.delay_cdmx_to_north)
    smuggled = Pipe(groups, model.delay_smuggled)
    smoothed_demand = market.reference_demand
    price = market.price(smoothed_demand)

    for day in range(model.days):
        # 1. journeys end
        south[:, 0] += to_south.deliver() + elsewhere_to_south.deliver()
        cdmx[:, 0] += to_cdmx.deliver()
        north[:, 0] += to_north.deliver() + cdmx_to_north.deliver()
        port_parolees = int(to_port.deliver().sum())
        out["irregular_crossings"][day] = smuggled.deliver().sum()

        # 2. arrivals
        arrivals = int(rng.poisson(model.arrivals_per_day))
        to_south.put(rng.multinomial(arrivals, model.groups.shares))
        out["darien_crossings"][day] = arrivals
        joining = int(rng.poisson(model.arrivals_elsewhere_per_day))
        elsewhere_to_south.put(rng.multinomial(joining, model.groups.shares))
        out["joined_elsewhere"][day] = joining
        out["chnv_flights"][day] = inputs.chnv[day]

        # 3. decisions while waiting
        is_open = model.groups.open[:, day]
        wait_north = expected_wait(north.sum(), inputs.appointments[day])
        wait_cdmx = expected_wait(cdmx.sum(), inputs.parole[day])
        wait_corridor = expected_wait((south * is_open[:, None]).sum(), inputs.tvrh[day])
        south_wait = np.where(
            is_open, wait_corridor + wait_cdmx, wait_north + model.delay_south_to_north
        )
        south_smuggle = market.daily_hazard(price, south_wait)
        give_up = np.full(groups, model.give_up)
        move_north = np.where(is_open, 0.0, model.move_north)
        s_smuggle, s_quit, s_move = leave(south, [south_smuggle, give_up, move_north], rng)
        to_north.put(s_move.sum(axis=1))
        c_smuggle, c_quit = leave(
            cdmx, [np.full(groups, market.daily_hazard(price, wait_cdmx)), give_up], rng
        )
        n_smuggle, n_quit = leave(
            north, [np.full(groups, market.daily_hazard(price, wait_north)), give_up], rng
        )
        hires = s_smuggle.sum(axis=1) + c_smuggle.sum(axis=1) + n_smuggle.sum(axis=1)
        smuggled.put(hires)
        out["smuggling_demand"][day] = hires.sum()
        out["gave_up"][day] = s_quit.sum() + c_quit.sum() + n_quit.sum()

        # 4. services
        corridor = take_oldest(south, int(inputs.tvrh[day]), rng, allowed=is_open)
        to_cdmx.put(corridor.sum(axis=1))
        ad_hoc = take_random(south, int(inputs.ad_hoc[day]), rng)
        to_north.put(ad_hoc.sum(axis=1))
        out["tvrh_issued"][day] = corridor.sum() + ad_hoc.sum()
        out["wait_south_days"][day] = mean_age(corridor)

        interviewed = take_oldest(cdmx, int(inputs.parole[day]), rng).sum(axis=1)
        denied = rng.binomial(interviewed, model.denial)
        granted = interviewed - denied
        by_air = rng.binomial(granted, model.flight_share)
        cdmx_to_north.put(denied)
        flight[:, 0] += by_air
        to_port.put(granted - by_air)
        out["parole_interviews"][day] = interviewed.sum()
        out["parole_granted"][day] = granted.sum()

        flown = take_oldest(flight, int(inputs.flights[day]), rng)
        out["flights"][day] = flown.sum() + inputs.chnv[day]

        served = serve_appointments(
            north, int(inputs.appointments[day]), model.appointment_rule, rng
        )
        out["appointments"][day] = served.sum()
        out["wait_north_days"][day] = mean_age(served)
        out["land_port_arrivals"][day] = served.sum() + port_parolees

        # 5. prices and waiting
        smoothed_demand = market.smooth(smoothed_demand, float(hires.sum()))
        out["smuggling_price"][day] = price
        price = market.price(smoothed_demand)
        for queue in (south, cdmx, flight, north):
            age_one_day(queue)
        out["waiting_south"][day] = south.sum()
        out["waiting_cdmx"][day] = cdmx.sum() + flight.sum()
        out["waiting_north"][day] = north.sum()
        out["in_transit"][day] = sum(
            pipe.total()
            for pipe in (
                to_south,
                elsewhere_to_south,
                to_cdmx,
                to_north,
                cdmx_to_north,
                to_port,
                smuggled,
            )
        )
    return finish(out)
