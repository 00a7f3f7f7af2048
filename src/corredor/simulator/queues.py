"""Queues and pipes kept as head counts: `queue[group, age]`, `pipe[group, days_left]`."""

from __future__ import annotations

import numpy as np


class Pipe:
    """People in transit for a fixed number of days (a delay buffer on a route)."""

    def __init__(self, groups: int, delay: int) -> None:
        self.cells = np.zeros((groups, delay), dtype=np.int64)

    def put(self, counts: np.ndarray) -> None:
        self.cells[:, -1] += counts

    def deliver(self) -> np.ndarray:
        out = self.cells[:, 0].copy()
        self.cells[:, :-1] = self.cells[:, 1:]
        self.cells[:, -1] = 0
        return out

    def total(self) -> int:
        return int(self.cells.sum())


def age_one_day(queue: np.ndarray) -> None:
    """Everyone waits one more day; the oldest cell keeps its people."""
    oldest = queue[:, -1] + queue[:, -2]
    queue[:, 1:-1] = queue[:, :-2].copy()
    queue[:, -1] = oldest
    queue[:, 0] = 0


def take_oldest(
    queue: np.ndarray, count: int, rng: np.random.Generator, allowed: np.ndarray | None = None
) -> np.ndarray:
    """Remove `count` people, longest-waiting first; ties at an age are broken at random."""
    eligible = queue if allowed is None else queue * allowed[:, None]
    taken = np.zeros_like(queue)
    if count <= 0:
        return taken
    per_age = eligible.sum(axis=0)
    from_oldest = np.cumsum(per_age[::-1])
    if from_oldest[-1] <= count:
        everyone = eligible.copy()
        queue -= everyone
        return everyone
    boundary = len(per_age) - 1 - int(np.searchsorted(from_oldest, count))
    taken[:, boundary + 1 :] = eligible[:, boundary + 1 :]
    rest = count - int(taken.sum())
    if rest > 0:
        taken[:, boundary] = rng.multivariate_hypergeometric(eligible[:, boundary], rest)
    queue -= taken
    return taken


def take_random(
    queue: np.ndarray, count: int, rng: np.random.Generator, allowed: np.ndarray | None = None
) -> np.ndarray:
    """Remove `count` people drawn at random without replacement."""
    eligible = queue if allowed is None else queue * allowed[:, None]
    total = int(eligible.sum())
    if count <= 0 or total == 0:
        return np.zeros_like(queue)
    if total <= count:
        taken = eligible.copy()
    else:
        flat = rng.multivariate_hypergeometric(eligible.ravel(), count)
        taken = flat.reshape(queue.shape)
    queue -= taken
    return taken


def leave(
    queue: np.ndarray, hazards: list[np.ndarray], rng: np.random.Generator
) -> list[np.ndarray]:
    """Competing daily exits: hazards[i][group] is the chance of exit i; at most one each.
    Only the occupied cells are drawn (most days-waited cells of a long run are empty)."""
    rows, columns = np.nonzero(queue)
    remaining = queue[rows, columns]
    left_probability = np.ones(queue.shape[0])
    outs = []
    for hazard in hazards:
        conditional = np.clip(
            np.divide(
                hazard, left_probability, out=np.zeros_like(hazard), where=left_probability > 0
            ),
            0.0,
            1.0,
        )
        taken = rng.binomial(remaining, conditional[rows])
        remaining = remaining - taken
        left_probability = left_probability - hazard
        out = np.zeros_like(queue)
        out[rows, columns] = taken
        outs.append(out)
    queue[rows, columns] = remaining
    return outs


def mean_age(taken: np.ndarray) -> float:
    total = taken.sum()
    if total == 0:
        return float("nan")
    return float((taken.sum(axis=0) * np.arange(taken.shape[1])).sum() / total)
