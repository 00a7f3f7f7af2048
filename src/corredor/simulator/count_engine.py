"""The count engine: head counts per stage × group × days waited, with daily stochastic draws.

Each day, in this order (the agent engine follows the same order):
1. pipes deliver the people whose journey leg ends today;
2. new arrivals cross the Darién, or join in Guatemala, and start the leg to southern Mexico;
   CHNV parolees fly in;
3. a share of the people waiting reconsider and choose among the options open to them (stay,
   go north to wait for an appointment, hire a smuggler, give up) by a multinomial logit over
   expected wait, cost and risk (behaviour.py); smuggled crossings are apprehended with a
   chance, and some of those apprehended are returned to northern Mexico;
4. services, each up to its capacity: corridor TVRH (longest-waiting first, only groups the
   corridor is open to), ad hoc TVRH (at random), parole interviews (longest-waiting first; some
   are denied and go north), flights, border appointments (by the scenario's rule);
5. the smugglers' price follows the day's demand and their capacity, which follows the price;
   the share of exits by a legal pathway is updated (it drives the next day's arrivals);
   everyone still waiting waits one day more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corredor.simulator.behaviour import smoothed_share
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


@dataclass(frozen=True)
class Waits:
    """The day's expected waits (days), from queue lengths over the day's capacities."""

    corridor: float  # for a corridor TVRH in the south (people the corridor is open to)
    ad_hoc: float  # for an ad hoc TVRH in the south (everyone else)
    cdmx: float  # for a parole interview in Mexico City
    north: float  # for a border appointment
    south_to_cdmx: int
    south_to_north: int
    cdmx_to_north: int

    def for_south(self, is_open: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        stay = np.where(
            is_open,
            self.corridor + self.south_to_cdmx + self.cdmx,
            self.ad_hoc + self.south_to_north + self.north,
        )
        return stay, np.full(is_open.shape, self.south_to_north + self.north)

    def for_cdmx(self, groups: int) -> tuple[np.ndarray, np.ndarray]:
        return np.full(groups, self.cdmx), np.full(groups, self.cdmx_to_north + self.north)

    def for_north(self, groups: int) -> tuple[np.ndarray, None]:
        return np.full(groups, self.north), None


def expected_waits(
    model: Compiled,
    day: int,
    inputs: RunInputs,
    *,
    south: float,
    south_open: float,
    cdmx: float,
    north: float,
) -> Waits:
    return Waits(
        corridor=expected_wait(south_open, inputs.tvrh[day]),
        ad_hoc=expected_wait(south - south_open, inputs.ad_hoc[day]),
        cdmx=expected_wait(cdmx, inputs.parole[day]),
        north=expected_wait(north, inputs.appointments[day]),
        south_to_cdmx=model.delay_south_to_cdmx,
        south_to_north=model.delay_south_to_north,
        cdmx_to_north=model.delay_cdmx_to_north,
    )


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
    smugglers = market.reference_demand  # crossings a day the smugglers can handle
    price = market.price(smoothed_demand, smugglers)
    choice = model.choice
    legal_share = choice.reference_legal_share

    for day in range(model.days):
        # 1. journeys end
        south[:, 0] += to_south.deliver() + elsewhere_to_south.deliver()
        cdmx[:, 0] += to_cdmx.deliver()
        north[:, 0] += to_north.deliver() + cdmx_to_north.deliver()
        port_parolees = int(to_port.deliver().sum())
        crossing = smuggled.deliver()
        caught = rng.binomial(crossing, market.apprehension_share)
        returned = rng.binomial(caught, market.returned_share)
        north[:, 0] += returned
        out["irregular_crossings"][day] = (crossing - caught).sum()
        out["apprehensions"][day] = caught.sum()
        out["returned_to_mexico"][day] = returned.sum()

        # 2. arrivals (the magnet effect: the chance of a legal pathway and the price)
        factor = choice.arrival_factor(legal_share, price, market)
        out["arrival_factor"][day] = factor
        arrivals = int(rng.poisson(model.arrivals_per_day * factor))
        to_south.put(rng.multinomial(arrivals, model.groups.shares))
        out["darien_crossings"][day] = arrivals
        joining = int(rng.poisson(model.arrivals_elsewhere_per_day * factor))
        elsewhere_to_south.put(rng.multinomial(joining, model.groups.shares))
        out["joined_elsewhere"][day] = joining
        out["chnv_flights"][day] = inputs.chnv[day]

        # 3. choices while waiting
        is_open = model.groups.open[:, day]
        waits = expected_waits(
            model,
            day,
            inputs,
            south=south.sum(),
            south_open=(south * is_open[:, None]).sum(),
            cdmx=cdmx.sum(),
            north=north.sum(),
        )
        s_smuggle, s_quit, s_move = leave(
            south, list(choice.hazards(market, price, *waits.for_south(is_open))), rng
        )
        to_north.put(s_move.sum(axis=1))
        c_smuggle, c_quit, c_move = leave(
            cdmx, list(choice.hazards(market, price, *waits.for_cdmx(groups))), rng
        )
        cdmx_to_north.put(c_move.sum(axis=1))
        n_smuggle, n_quit, _ = leave(
            north, list(choice.hazards(market, price, *waits.for_north(groups))), rng
        )
        hires = s_smuggle.sum(axis=1) + c_smuggle.sum(axis=1) + n_smuggle.sum(axis=1)
        smuggled.put(hires)
        out["smuggling_demand"][day] = hires.sum()
        out["moved_north"][day] = s_move.sum() + c_move.sum()
        quits = s_quit.sum() + c_quit.sum() + n_quit.sum()
        out["gave_up"][day] = quits

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

        # 5. prices, smugglers, the legal share, and waiting
        legal = float(corridor.sum() + served.sum())
        legal_share = smoothed_share(legal_share, legal, float(hires.sum() + quits), 30.0)
        out["legal_share"][day] = legal_share
        smoothed_demand = market.smooth(smoothed_demand, float(hires.sum()))
        out["smuggling_price"][day] = price
        out["smuggler_capacity"][day] = smugglers
        smugglers = market.adjust_capacity(smugglers, price)
        price = market.price(smoothed_demand, smugglers)
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
