"""The seeded lottery over arrays: the tickets of many requests at once, and the ranking.

Same definitions as `domain.lottery`: SHA-512(seed || request id) read as eight big-endian
64-bit tickets, the draw key is the best of a request's first `tickets`, and requests are ranked by
tier, then key (highest first), then request id (UTF-8 bytes).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import numpy.typing as npt

from corredor.allocation.domain.lottery import MAX_TICKETS, check_seed

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def ticket_words(seed: bytes, request_ids: Sequence[str]) -> U64:
    """An (n, 8) array: the eight tickets of each request (big-endian words, as published)."""
    check_seed(seed)
    sha512 = hashlib.sha512
    digests = b"".join([sha512(seed + rid.encode("utf-8")).digest() for rid in request_ids])
    return np.frombuffer(digests, dtype=">u8").reshape(len(request_ids), MAX_TICKETS)


def best_tickets(words: U64, tickets: I64) -> U64:
    """The best of each request's first `tickets` tickets."""
    keys = np.zeros(len(tickets), dtype=np.uint64)
    for index in range(int(tickets.max(initial=0))):
        np.maximum(keys, np.where(tickets > index, words[:, index], np.uint64(0)), out=keys)
    return keys


def draw_keys(
    seed: bytes, request_ids: Sequence[str], tickets: I64, *, parallel: bool | None = None
) -> U64:
    """Every request's draw key, `allocation.domain.lottery.draw_key`, for many requests.

    Hashing is the one loop left in Python: SHA-512 has no batch interface, and one call per
    request (about 0.5 µs) is the price of a draw anyone can re-run with a stock hash function.
    On large runs a forked worker hashes the first half while this process hashes the second.
    """
    check_seed(seed)
    count = len(request_ids)
    if parallel is None:
        parallel = count >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and _can_fork()
    if not parallel:
        return _keys_of_slice(seed, request_ids, tickets, 0, count)
    half = count // 2
    global _SHARED  # noqa: PLW0603 - read by the forked worker: inherited memory, no pickling
    _SHARED = (seed, request_ids, tickets)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            first = pool.submit(_keys_of_shared_slice, 0, half)
            second = _keys_of_slice(seed, request_ids, tickets, half, count)
            return np.concatenate([first.result(), second])
    finally:
        _SHARED = None


PARALLEL_FROM = 200_000
_SHARED: tuple[bytes, Sequence[str], I64] | None = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _keys_of_shared_slice(start: int, stop: int) -> U64:
    assert _SHARED is not None, "set by draw_keys before the worker is forked"
    return _keys_of_slice(*_SHARED, start, stop)


def _keys_of_slice(
    seed: bytes, request_ids: Sequence[str], tickets: I64, start: int, stop: int
) -> U64:
    words = ticket_words(seed, request_ids[start:stop])
    return best_tickets(words, tickets[start:stop])


def rank_order(tiers: I64, keys: U64, request_ids: Sequence[str]) -> I64:
    """Indices in the published order: tier ascending, key descending, then request id."""
    # Unstable sorts are fine: equal (tier, key) pairs are put in id order below.
    by_tier = np.argsort(tiers, kind="stable")
    order: I64 = np.concatenate(
        [
            run[np.argsort(~keys[run])]
            for run in np.split(by_tier, np.flatnonzero(np.diff(tiers[by_tier])) + 1)
        ]
    ).astype(np.int64)
    if len(order) < 2:
        return order
    sorted_keys, sorted_tiers = keys[order], tiers[order]
    same = (sorted_keys[1:] == sorted_keys[:-1]) & (sorted_tiers[1:] == sorted_tiers[:-1])
    if not same.any():
        return order
    # Equal keys within a tier: order that run by request id, as the rule says.
    starts = np.flatnonzero(same & ~np.concatenate(([False], same[:-1])))
    for start in starts.tolist():
        stop = start + 1
        while stop < len(same) and same[stop]:
            stop += 1
        run = order[start : stop + 1].tolist()
        order[start : stop + 1] = sorted(run, key=lambda i: request_ids[i].encode("utf-8"))
    return order
