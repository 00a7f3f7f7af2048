"""Flee's movement rules, run as head counts (count engine) and one by one (agent engine).

The rules (Suleimenova et al. 2017; Flee's ruleset 2 with its settings):
- each day, new displaced people appear: the rise of the observed refugee total (a shortfall is
  carried as a debt), placed in conflict zones in proportion to population × conflict intensity ×
  a decay with time since the conflict began; on day 0 the observed camp populations are placed;
- a person not travelling leaves with the location's move chance (conflict 1.0, town 0.3,
  camp 0.001) and picks a route with weight score / (softening + distance) × capacity factor,
  the score being Flee's: 1 × foreign_weight abroad × camp_weight for camps ×
  conflict_weight ** (decay × intensity) for conflict zones; with awareness level 2 or more the
  weight of a route is the best weight reachable through it (loops ignored; Flee 3.1 instead
  lists every multi-hop route and commits the person to it: neither scenario here uses it);
- a camp's capacity factor is 1 below `capacity_buffer` of its capacity, falls linearly to 0 at
  capacity; whoever picks a route to a camp whose factor is below 0.5 stays put that day (Flee's
  check_dest_is_full_camp); closed links (country closures) cannot be chosen;
- people travel `max_move_speed` km a day; whoever arrives having moved less than that in the day
  decides again at the new place (and may go on).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from corredor.simulator.flee_input import FleeScenario


@dataclass(frozen=True)
class FleeRun:
    camps: dict[str, np.ndarray]  # camp -> simulated population per day
    agent_days: float


@dataclass(frozen=True)
class _Graph:
    starts: np.ndarray
    ends: np.ndarray
    km: np.ndarray
    outgoing: list[np.ndarray]  # location -> link ids
    open_by_day: np.ndarray  # [day, link]


def _graph(scenario: FleeScenario) -> _Graph:
    index = scenario.index()
    starts, ends, km = [], [], []
    for route in scenario.routes:
        for a, b in ((route.start, route.end), (route.end, route.start)):
            starts.append(index[a])
            ends.append(index[b])
            km.append(route.km)
    starts_a, ends_a = np.array(starts), np.array(ends)
    countries = np.array([location.country for location in scenario.locations])
    names = np.array([location.name for location in scenario.locations])
    open_by_day = np.ones((scenario.days, len(starts)), dtype=bool)
    for closure in scenario.closures:
        labels = countries if closure.kind == "country" else names
        a, b = labels[starts_a], labels[ends_a]
        hit = ((a == closure.first) & (b == closure.second)) | (
            (a == closure.second) & (b == closure.first)
        )
        open_by_day[closure.start_day : closure.end_day + 1, hit] = False
    outgoing = [np.flatnonzero(starts_a == i) for i in range(len(scenario.locations))]
    return _Graph(starts_a, ends_a, np.array(km, dtype=float), outgoing, open_by_day)


class _Rules:
    """Per-day location properties and route weights, shared by both engines."""

    def __init__(self, scenario: FleeScenario) -> None:
        self.scenario = scenario
        self.settings = scenario.settings
        self.graph = _graph(scenario)
        kinds = [location.kind for location in scenario.locations]
        self.is_camp = np.array([kind == "camp" for kind in kinds])
        self.capacity = np.array(
            [
                location.population * float(self.settings["capacity_scaling"]) if camp else -1.0
                for location, camp in zip(scenario.locations, self.is_camp, strict=True)
            ]
        )
        self.population = np.array([location.population for location in scenario.locations])
        conflicted = scenario.conflicts > 0
        first = np.where(conflicted.any(axis=0), conflicted.argmax(axis=0), -1)
        self.conflict_start = first
        self.speed = float(self.settings["max_move_speed"])
        home = scenario.locations[0].country
        self.in_home_country = np.array([loc.country == home for loc in scenario.locations])
        self._score_day, self._score = -1, np.zeros(0)

    def move_chance(self, day: int) -> np.ndarray:
        s = self.settings
        chance = np.full(len(self.is_camp), float(s["default_movechance"]))
        chance[self.scenario.conflicts[day] > 0] = float(s["conflict_movechance"])
        chance[self.is_camp] = float(s["camp_movechance"])
        return chance

    def score(self, day: int) -> np.ndarray:
        """A location's attractiveness on a day (asked many times a day: kept for the day)."""
        if self._score_day != day:
            self._score, self._score_day = self._score_on(day), day
        return self._score

    def _score_on(self, day: int) -> np.ndarray:
        """Flee's scoring.updateLocationScore: 1 × foreign_weight (abroad) × camp_weight (camps)
        × conflict_weight ** (decay × intensity) (conflict zones), the decay being the
        conflict_spawn_decay step for the days since the conflict began."""
        s = self.settings
        score = np.where(self.in_home_country, 1.0, float(s["foreign_weight"]))
        score = score * np.where(self.is_camp, float(s["camp_weight"]), 1.0)
        intensity = self.scenario.conflicts[day]
        conflicted = intensity > 0
        exponent = self.conflict_decay(day) * intensity
        score = np.where(conflicted, score * float(s["conflict_weight"]) ** exponent, score)
        return np.asarray(score)

    def conflict_decay(self, day: int) -> np.ndarray:
        """Flee's get_conflict_decay per location: the decay step for the days since its
        conflict began (1 without a decay setting)."""
        decay = self.settings.get("conflict_spawn_decay")
        if not decay:
            return np.ones(len(self.is_camp))
        since = np.maximum(0, day - self.conflict_start)
        steps = np.array(decay, dtype=float)
        return np.asarray(steps[np.minimum(since // 30, len(steps) - 1)])

    def nearly_full_camps(self, occupancy: np.ndarray) -> np.ndarray:
        """Camps whose capacity factor is below 0.5: Flee drops a route that ends there and the
        person stays put that day (flee.py, Person.check_dest_is_full_camp)."""
        return np.asarray(self.is_camp & (self.capacity_factor(occupancy) < 0.5))

    def capacity_factor(self, occupancy: np.ndarray) -> np.ndarray:
        buffer = float(self.settings["capacity_buffer"])
        cap = self.capacity
        factor = np.ones_like(occupancy, dtype=float)
        limited = cap >= 1
        full = limited & (occupancy >= cap)
        partial = limited & (occupancy > buffer * cap) & ~full
        factor[full] = 0.0
        factor[partial] = 1.0 - (occupancy[partial] - buffer * cap[partial]) / (
            cap[partial] * (1.0 - buffer)
        )
        return factor

    def link_weights(self, day: int, occupancy: np.ndarray) -> np.ndarray:
        """Weight of each directed link for someone standing at its start today."""
        g = self.graph
        score = self.score(day) * self.capacity_factor(occupancy)
        softening = float(self.settings["distance_softening"])
        level = int(self.settings["awareness_level"])
        if level <= 1:  # the common case, in one vector operation
            return np.where(g.open_by_day[day], score[g.ends] / (softening + g.km), 0.0)
        weights = np.zeros(len(g.km))
        for link in range(len(g.km)):
            if g.open_by_day[day, link]:
                weights[link] = self._best(
                    day,
                    link,
                    prior=0.0,
                    visited={int(g.starts[link])},
                    step=1,
                    level=level,
                    score=score,
                    softening=softening,
                )
        return np.asarray(weights)

    def _best(
        self,
        day: int,
        link: int,
        *,
        prior: float,
        visited: set[int],
        step: int,
        level: int,
        score: np.ndarray,
        softening: float,
    ) -> float:
        g = self.graph
        end = int(g.ends[link])
        best = score[end] / (softening + g.km[link] + prior)
        if level > step:
            for onward in g.outgoing[end]:
                if g.open_by_day[day, onward] and int(g.ends[onward]) not in visited:
                    best = max(
                        best,
                        self._best(
                            day,
                            int(onward),
                            prior=prior + g.km[link],
                            visited=visited | {end},
                            step=step + 1,
                            level=level,
                            score=score,
                            softening=softening,
                        ),
                    )
        return float(best)

    def spawn_weights(self, day: int) -> np.ndarray:
        return np.asarray(self.population * self.scenario.conflicts[day] * self.conflict_decay(day))

    def new_people(self) -> np.ndarray:
        """People to place each day: the rise in the observed total, with shortfalls carried."""
        total = self.scenario.observed_total
        counts = np.zeros(len(total), dtype=np.int64)
        debt = 0
        for day in range(1, len(total)):
            rise = int(total[day]) - int(total[day - 1]) - debt
            debt = -rise if rise < 0 else 0
            counts[day] = max(rise, 0)
        return counts

    def day_zero(self) -> np.ndarray:
        placed = np.zeros(len(self.is_camp), dtype=np.int64)
        if self.settings.get("insert_day0", True):
            index = self.scenario.index()
            for camp, series in self.scenario.observed_camps.items():
                placed[index[camp]] = int(series[0])
        return placed


def _choose(
    counts: np.ndarray, day: int, rules: _Rules, occupancy: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Split each location's movers over its outgoing links; returns movers per link."""
    weights = rules.link_weights(day, occupancy)
    per_link = np.zeros(len(weights), dtype=np.int64)
    for location in np.flatnonzero(counts):  # in order, so a seed draws the same numbers
        links = rules.graph.outgoing[location]
        if links.size == 0:
            continue  # the caller keeps them in place
        w = weights[links]
        total = w.sum()
        p = w / total if total > 0 else np.full(links.size, 1 / links.size)
        per_link[links] += rng.multinomial(int(counts[location]), p)
    return per_link


def _stay_if_full(per_link: np.ndarray, rules: _Rules, occupancy: np.ndarray) -> np.ndarray:
    """Movers per link, less those whose link ends at a nearly full camp (they stay)."""
    full = rules.nearly_full_camps(occupancy)[rules.graph.ends]
    staying = np.where(full, per_link, 0)
    per_link -= staying
    return np.asarray(staying)


@dataclass(frozen=True, slots=True)
class _Hops:
    """A place's outgoing links split once: those longer than a day's travel, and the rest."""

    is_long: np.ndarray  # mask over the place's links
    is_short: np.ndarray
    long: np.ndarray  # link ids
    long_days: np.ndarray  # days on the link beyond the first
    short_km: np.ndarray
    short_ends: np.ndarray  # where each short link arrives

    @classmethod
    def of(
        cls, links: np.ndarray, extra_days: np.ndarray, km: np.ndarray, ends: np.ndarray
    ) -> _Hops:
        is_long = extra_days[links] > 0
        short = links[~is_long]
        return cls(
            is_long=is_long,
            is_short=~is_long,
            long=links[is_long],
            long_days=extra_days[links[is_long]],
            short_km=km[short],
            short_ends=ends[short],
        )


def run_flee_counts(scenario: FleeScenario, seed: int) -> FleeRun:  # noqa: PLR0915 - one day's steps
    rng = np.random.default_rng(seed)
    rules = _Rules(scenario)
    g = rules.graph
    n_loc, speed = len(scenario.locations), rules.speed
    km = np.rint(g.km).astype(int)
    # days a link takes beyond the first, and the distance moved on the arrival day
    extra_days = np.floor(km / speed).astype(int)
    arrival_km = np.where(extra_days > 0, km - speed * extra_days, km).astype(int)
    horizon = int(extra_days.max()) + 2
    on_links = np.zeros((horizon, len(km)), dtype=np.int64)  # [days from now, link]
    at = rules.day_zero()
    new_people = rules.new_people()
    camps = np.flatnonzero(rules.is_camp)
    history = np.zeros((scenario.days, camps.size))
    agent_days = 0.0
    budget = int(speed)
    has_links = np.array([links.size > 0 for links in g.outgoing])
    by_place = [_Hops.of(links, extra_days, km, g.ends) for links in g.outgoing]

    for day in range(scenario.days):
        spawn = rules.spawn_weights(day)
        if new_people[day] and spawn.sum() > 0:
            at += rng.multinomial(int(new_people[day]), spawn / spawn.sum())
        chance = rules.move_chance(day)
        movers = rng.binomial(at, chance * has_links)
        at -= movers
        pool = np.zeros((n_loc, budget), dtype=np.int64)  # arrived today, km moved so far

        first_move = _choose(movers, day, rules, at, rng)
        np.add.at(at, g.starts, _stay_if_full(first_move, rules, at))
        for link in np.flatnonzero(first_move):
            if extra_days[link] > 0:
                on_links[extra_days[link], link] += first_move[link]
            else:  # a first hop shorter than a day's travel always leaves budget for another
                pool[g.ends[link], km[link]] += first_move[link]
        arriving = on_links[0].copy()
        on_links[:-1] = on_links[1:]
        on_links[-1] = 0
        np.add.at(pool, (g.ends, arrival_km), arriving)
        while pool.any():
            going = rng.binomial(pool, chance[:, None])
            at += (pool - going).sum(axis=1)
            pool = np.zeros_like(pool)
            weights = rules.link_weights(day, at)
            full = rules.nearly_full_camps(at)[g.ends]
            for place in np.flatnonzero(going.any(axis=1)):
                links = g.outgoing[place]
                if links.size == 0:
                    at[place] += going[place].sum()
                    continue
                w = weights[links]
                total = w.sum()
                p = w / total if total > 0 else np.full(links.size, 1 / links.size)
                bins = np.flatnonzero(going[place])
                split = rng.multinomial(going[place, bins], p)  # [bin, link]
                stay = full[links]
                at[place] += split[:, stay].sum()
                split[:, stay] = 0
                hops = by_place[place]
                # the day's shift of on_links is done: a long link taken now arrives after
                # long_days days, as a first move's does (index long_days - 1, not long_days)
                on_links[hops.long_days - 1, hops.long] += split[:, hops.is_long].sum(axis=0)
                moved = bins[:, None] + hops.short_km[None, :]
                counts = split[:, hops.is_short]
                onward = moved < budget
                # the end of each (bin, link) cell is its link's end: index by column
                _, onward_links = np.nonzero(onward)
                _, stopping_links = np.nonzero(~onward)
                np.add.at(pool, (hops.short_ends[onward_links], moved[onward]), counts[onward])
                np.add.at(at, hops.short_ends[stopping_links], counts[~onward])
        history[day] = at[camps]
        agent_days += at.sum() + on_links.sum()
    names = [scenario.locations[i].name for i in camps]
    return FleeRun({name: history[:, k] for k, name in enumerate(names)}, agent_days)


def run_flee_agents(scenario: FleeScenario, seed: int) -> FleeRun:  # noqa: PLR0915 - one day's steps
    """One row per person: location, link (-1 when not travelling), progress on the link."""
    rng = np.random.default_rng(seed)
    rules = _Rules(scenario)
    g = rules.graph
    speed = rules.speed
    km = np.rint(g.km)
    start_counts = rules.day_zero()
    location = np.repeat(np.arange(len(start_counts)), start_counts)
    link = np.full(location.size, -1)
    progress = np.zeros(location.size)
    new_people = rules.new_people()
    camps = np.flatnonzero(rules.is_camp)
    history = np.zeros((scenario.days, camps.size))
    agent_days = 0.0

    def pick(who: np.ndarray, day: int) -> None:
        """`who` decide to move: each picks a link by the day's weights (or stays)."""
        occupancy = np.bincount(location[link < 0], minlength=len(start_counts)).astype(float)
        weights = rules.link_weights(day, occupancy)
        full = rules.nearly_full_camps(occupancy)
        for place in np.unique(location[who]):
            here = who[location[who] == place]
            links = g.outgoing[place]
            if links.size == 0:
                continue
            w = weights[links]
            p = w / w.sum() if w.sum() > 0 else np.full(links.size, 1 / links.size)
            chosen = links[rng.choice(links.size, here.size, p=p)]
            link[here] = np.where(full[g.ends[chosen]], -1, chosen)  # a nearly full camp: stay
            progress[here] = 0.0

    for day in range(scenario.days):
        spawn = rules.spawn_weights(day)
        if new_people[day] and spawn.sum() > 0:
            places = np.repeat(
                np.arange(spawn.size), rng.multinomial(int(new_people[day]), spawn / spawn.sum())
            )
            location = np.concatenate([location, places])
            link = np.concatenate([link, np.full(places.size, -1)])
            progress = np.concatenate([progress, np.zeros(places.size)])
        chance = rules.move_chance(day)
        idle = np.flatnonzero(link < 0)
        pick(idle[rng.random(idle.size) < chance[location[idle]]], day)
        moved = np.zeros(location.size)
        active = np.flatnonzero(link >= 0)
        while active.size:
            progress[active] += speed
            moved[active] += speed
            done = active[progress[active] > km[link[active]]]
            moved[done] += km[link[done]] - progress[done]
            location[done] = g.ends[link[done]]
            link[done] = -1
            progress[done] = 0.0
            again = done[moved[done] < speed]
            going = again[rng.random(again.size) < chance[location[again]]]
            pick(going, day)
            active = going[link[going] >= 0]
        settled = link < 0
        history[day] = np.bincount(location[settled], minlength=len(start_counts))[camps]
        agent_days += location.size
    names = [scenario.locations[i].name for i in camps]
    return FleeRun({name: history[:, k] for k, name in enumerate(names)}, agent_days)


def averaged_relative_difference(
    scenario: FleeScenario, run: FleeRun, rescaled: bool = False, raw: bool = False
) -> float:
    """Flee's validation error: per day Σ|sim − obs| / Σobs over camps with data, averaged.
    `raw` scores against the published series, before Flee's registration corrections."""
    series = scenario.observed_camps_raw if raw else scenario.observed_camps
    names = [name for name in series if name in run.camps]
    simulated = np.column_stack([run.camps[name][: scenario.days] for name in names])
    observed = np.column_stack([series[name] for name in names])
    total_observed = observed.sum(axis=1)
    if rescaled:
        total_simulated = simulated.sum(axis=1)
        scale = np.divide(
            total_observed,
            total_simulated,
            out=np.ones_like(total_observed),
            where=total_simulated > 0,
        )
        simulated = simulated * scale[:, None]
    days = total_observed > 0
    errors = np.abs(simulated - observed).sum(axis=1)[days] / total_observed[days]
    return float(errors.mean()) if errors.size else math.nan
