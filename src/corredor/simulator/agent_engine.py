"""The agent engine: one row per person in NumPy arrays, the same daily rules as the count engine.

It exists to check the count engine: same inputs, same order of steps, same probabilities, but
people are kept one by one (stage, group, days waited, the day their journey leg ends). The test
suite compares the two over many seeds.
"""

from __future__ import annotations

import math

import numpy as np

from corredor.simulator.behaviour import smoothed_share
from corredor.simulator.count_engine import expected_waits
from corredor.simulator.model import Compiled, draw_run_inputs
from corredor.simulator.outputs import Series, empty_series, finish

TRANSIT, SOUTH, CDMX, FLIGHT, NORTH, DONE = range(6)
TO_PORT, TO_US_IRREGULAR = 6, 7


class People:
    """Columns of the people in a run; grows when arrivals outnumber the space kept."""

    def __init__(self, space: int) -> None:
        self.size = 0
        self.state = np.full(space, DONE, dtype=np.int8)
        self.group = np.zeros(space, dtype=np.int16)
        self.age = np.zeros(space, dtype=np.int32)
        self.due = np.full(space, -1, dtype=np.int32)
        self.dest = np.zeros(space, dtype=np.int8)

    def add(self, groups: np.ndarray, state: int, ages: np.ndarray, due: int, dest: int) -> None:
        count = len(groups)
        if self.size + count > len(self.state):
            self._grow(self.size + count)
        window = slice(self.size, self.size + count)
        self.state[window] = state
        self.group[window] = groups
        self.age[window] = ages
        self.due[window] = due
        self.dest[window] = dest
        self.size += count

    def _grow(self, needed: int) -> None:
        space = max(needed, 2 * len(self.state))
        for name in ("state", "group", "age", "due", "dest"):
            old = getattr(self, name)
            fill = DONE if name == "state" else 0
            new = np.full(space, fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def where(self, state: int) -> np.ndarray:
        return np.flatnonzero(self.state[: self.size] == state)

    def send(self, who: np.ndarray, dest: int, due: int) -> None:
        self.state[who] = TRANSIT
        self.dest[who] = dest
        self.due[who] = due


def _oldest(people: People, who: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    if count <= 0 or who.size == 0:
        return who[:0]
    if who.size <= count:
        return who
    order = np.lexsort((rng.random(who.size), -people.age[who]))
    return who[order[:count]]


def _random(who: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    if count <= 0 or who.size == 0:
        return who[:0]
    if who.size <= count:
        return who
    return rng.choice(who, count, replace=False)


def _mean_age(people: People, who: np.ndarray) -> float:
    return float(people.age[who].mean()) if who.size else math.nan


def _choose(
    who: np.ndarray, groups: np.ndarray, hazards: tuple[np.ndarray, ...], rng: np.random.Generator
) -> list[np.ndarray]:
    """Competing daily exits, one draw per person: who takes exit i (at most one each)."""
    draw = rng.random(who.size)
    chosen, low = [], np.zeros(who.size)
    for hazard in hazards:
        high = low + hazard[groups]
        chosen.append(who[(draw >= low) & (draw < high)])
        low = high
    return chosen


def run_agents(model: Compiled, seed: int) -> Series:  # noqa: PLR0915 - the day's steps, in order
    rng = np.random.default_rng(seed)
    inputs = draw_run_inputs(model, rng)
    market = model.market
    shares = model.groups.shares
    groups = len(shares)
    out = empty_series(model.days)
    expected = (model.arrivals_per_day + model.arrivals_elsewhere_per_day) * model.days
    people = People(
        model.initial_south
        + model.initial_north
        + int(expected + 10 * math.sqrt(expected + 1) + 100)
    )
    for count, stage in ((model.initial_south, SOUTH), (model.initial_north, NORTH)):
        if count:
            people.add(
                rng.choice(groups, count, p=shares), stage, rng.integers(0, 90, count), -1, 0
            )
    smoothed_demand = market.reference_demand
    smugglers = market.reference_demand  # crossings a day the smugglers can handle
    price = market.price(smoothed_demand, smugglers)
    choice = model.choice
    legal_share = choice.reference_legal_share

    for day in range(model.days):
        # 1. journeys end
        arriving = np.flatnonzero(
            (people.state[: people.size] == TRANSIT) & (people.due[: people.size] == day)
        )
        dest = people.dest[arriving]
        settle = arriving[(dest == SOUTH) | (dest == CDMX) | (dest == NORTH)]
        people.state[settle] = people.dest[settle]
        people.age[settle] = 0
        port_parolees = int((dest == TO_PORT).sum())
        crossing = arriving[dest == TO_US_IRREGULAR]
        caught = crossing[rng.random(crossing.size) < market.apprehension_share]
        returned = caught[rng.random(caught.size) < market.returned_share]
        out["irregular_crossings"][day] = crossing.size - caught.size
        out["apprehensions"][day] = caught.size
        out["returned_to_mexico"][day] = returned.size
        people.state[arriving[(dest == TO_PORT) | (dest == TO_US_IRREGULAR)]] = DONE
        people.state[returned] = NORTH
        people.age[returned] = 0

        # 2. arrivals (the magnet effect)
        factor = choice.arrival_factor(legal_share, price, market)
        out["arrival_factor"][day] = factor
        arrivals = int(rng.poisson(model.arrivals_per_day * factor))
        people.add(
            rng.choice(groups, arrivals, p=shares),
            TRANSIT,
            np.zeros(arrivals),
            day + model.delay_to_south,
            SOUTH,
        )
        out["darien_crossings"][day] = arrivals
        joining = int(rng.poisson(model.arrivals_elsewhere_per_day * factor))
        out["joined_elsewhere"][day] = joining
        people.add(
            rng.choice(groups, joining, p=shares),
            TRANSIT,
            np.zeros(joining),
            day + model.delay_elsewhere_to_south,
            SOUTH,
        )
        out["chnv_flights"][day] = inputs.chnv[day]

        # 3. choices while waiting
        is_open = model.groups.open[:, day]
        south, cdmx, north = people.where(SOUTH), people.where(CDMX), people.where(NORTH)
        open_south = south[is_open[people.group[south]]]
        waits = expected_waits(
            model,
            day,
            inputs,
            south=south.size,
            south_open=open_south.size,
            cdmx=cdmx.size,
            north=north.size,
        )
        s_smuggle, s_quit, s_move = _choose(
            south,
            people.group[south],
            choice.hazards(market, price, *waits.for_south(is_open)),
            rng,
        )
        c_smuggle, c_quit, c_move = _choose(
            cdmx, people.group[cdmx], choice.hazards(market, price, *waits.for_cdmx(groups)), rng
        )
        n_smuggle, n_quit, _ = _choose(
            north, people.group[north], choice.hazards(market, price, *waits.for_north(groups)), rng
        )
        hires = np.concatenate([s_smuggle, c_smuggle, n_smuggle])
        quits = np.concatenate([s_quit, c_quit, n_quit])
        people.send(hires, TO_US_IRREGULAR, day + model.delay_smuggled)
        people.state[quits] = DONE
        people.send(s_move, NORTH, day + model.delay_south_to_north)
        people.send(c_move, NORTH, day + model.delay_cdmx_to_north)
        out["smuggling_demand"][day] = hires.size
        out["moved_north"][day] = s_move.size + c_move.size
        out["gave_up"][day] = quits.size

        # 4. services
        south = people.where(SOUTH)
        corridor = _oldest(people, south[is_open[people.group[south]]], int(inputs.tvrh[day]), rng)
        out["wait_south_days"][day] = _mean_age(people, corridor)
        people.send(corridor, CDMX, day + model.delay_south_to_cdmx)
        ad_hoc = _random(people.where(SOUTH), int(inputs.ad_hoc[day]), rng)
        people.send(ad_hoc, NORTH, day + model.delay_south_to_north)
        out["tvrh_issued"][day] = corridor.size + ad_hoc.size

        interviewed = _oldest(people, people.where(CDMX), int(inputs.parole[day]), rng)
        denied_draw = rng.random(interviewed.size) < model.denial
        denied, granted = interviewed[denied_draw], interviewed[~denied_draw]
        by_air_draw = rng.random(granted.size) < model.flight_share
        people.send(denied, NORTH, day + model.delay_cdmx_to_north)
        people.send(granted[~by_air_draw], TO_PORT, day + model.delay_cdmx_to_north)
        people.state[granted[by_air_draw]] = FLIGHT
        people.age[granted[by_air_draw]] = 0
        out["parole_interviews"][day] = interviewed.size
        out["parole_granted"][day] = granted.size

        flown = _oldest(people, people.where(FLIGHT), int(inputs.flights[day]), rng)
        people.state[flown] = DONE
        out["flights"][day] = flown.size + inputs.chnv[day]

        north = people.where(NORTH)
        capacity = int(inputs.appointments[day])
        if model.appointment_rule == "longest_waiting":
            served = _oldest(people, north, capacity, rng)
        elif model.appointment_rule == "random":
            served = _random(north, capacity, rng)
        else:
            longest = _oldest(people, north, capacity // 2, rng)
            rest = np.setdiff1d(north, longest, assume_unique=True)
            served = np.concatenate([longest, _random(rest, capacity - longest.size, rng)])
        out["wait_north_days"][day] = _mean_age(people, served)
        people.state[served] = DONE
        out["appointments"][day] = served.size
        out["land_port_arrivals"][day] = served.size + port_parolees

        # 5. prices, smugglers, the legal share, and waiting
        legal = float(corridor.size + served.size)
        legal_share = smoothed_share(legal_share, legal, float(hires.size + quits.size), 30.0)
        out["legal_share"][day] = legal_share
        smoothed_demand = market.smooth(smoothed_demand, float(hires.size))
        out["smuggling_price"][day] = price
        out["smuggler_capacity"][day] = smugglers
        smugglers = market.adjust_capacity(smugglers, price)
        price = market.price(smoothed_demand, smugglers)
        state: np.ndarray = people.state[: people.size]
        waiting = (state == SOUTH) | (state == CDMX) | (state == FLIGHT) | (state == NORTH)
        people.age[: people.size][waiting] += 1
        out["waiting_south"][day] = (state == SOUTH).sum()
        out["waiting_cdmx"][day] = ((state == CDMX) | (state == FLIGHT)).sum()
        out["waiting_north"][day] = (state == NORTH).sum()
        out["in_transit"][day] = (state == TRANSIT).sum()
    return finish(out)
