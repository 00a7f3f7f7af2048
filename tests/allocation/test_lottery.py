"""The seeded lottery: commitment, tickets, ranking, and that weights mean what they say."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from corredor.allocation.domain.lottery import (
    SeedError,
    commitment,
    draw_key,
    rank_key,
    seed_from_hex,
    seed_matches,
)
from corredor.allocation.draw import draw_keys, rank_order

SEED = bytes(range(32))


def test_commitment_is_the_sha256_of_the_seed() -> None:
    assert commitment(SEED) == hashlib.sha256(SEED).hexdigest()
    assert commitment(SEED) == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    assert seed_matches(SEED, commitment(SEED).upper())
    assert not seed_matches(bytes(32), commitment(SEED))
    assert not seed_matches(SEED[:31], commitment(SEED))


def test_a_seed_must_be_32_bytes_of_hex() -> None:
    with pytest.raises(SeedError, match="seed: expected 32 bytes"):
        commitment(b"short")
    with pytest.raises(SeedError, match="hexadecimal"):
        seed_from_hex("not hex")
    assert seed_from_hex(SEED.hex() + "\n") == SEED


def test_draw_key_is_the_best_of_the_first_tickets_of_sha512() -> None:
    """Pinned values: an outside re-implementation must print these."""
    assert draw_key(SEED, "req-1", 1) == 0x5C5C40C2D24B7CB0
    assert draw_key(SEED, "req-1", 8) == 0xED78CC399581A668
    digest = hashlib.sha512(SEED + b"req-1").digest()
    words = [int.from_bytes(digest[i : i + 8], "big") for i in range(0, 64, 8)]
    assert [draw_key(SEED, "req-1", w) for w in range(1, 9)] == [
        max(words[:w]) for w in range(1, 9)
    ]
    with pytest.raises(ValueError, match="tickets"):
        draw_key(SEED, "req-1", 9)


@pytest.mark.parametrize("parallel", [False, True])
def test_vectorized_keys_equal_the_reference(parallel: bool) -> None:
    ids = [f"request-{n}-ñ" for n in range(3000)]
    tickets = np.arange(3000, dtype=np.int64) % 8 + 1
    keys = draw_keys(SEED, ids, tickets, parallel=parallel)
    assert keys.tolist() == [
        draw_key(SEED, rid, int(w)) for rid, w in zip(ids, tickets, strict=True)
    ]


def test_equal_keys_are_ordered_by_request_id() -> None:
    ids = ["b", "a", "c", "ab", "z", "y"]
    tiers = np.array([1, 1, 1, 0, 1, 1], dtype=np.int64)
    keys = np.array([5, 5, 9, 5, 5, 1], dtype=np.uint64)
    order = rank_order(tiers, keys, ids)
    expected = sorted(range(6), key=lambda i: rank_key(int(tiers[i]), int(keys[i]), ids[i]))
    assert order.tolist() == expected
    assert [ids[i] for i in order] == ["ab", "c", "a", "b", "z", "y"]


@pytest.mark.parametrize(("mine", "theirs"), [(1, 1), (2, 1), (3, 1), (8, 2)])
def test_tickets_give_proportional_odds(mine: int, theirs: int) -> None:
    """A request with w tickets beats one with v tickets with probability w / (w + v)."""
    trials = 4000
    wins = 0
    for trial in range(trials):
        seed = hashlib.sha256(f"trial {trial}".encode()).digest()
        wins += draw_key(seed, "mine", mine) > draw_key(seed, "theirs", theirs)
    expected = mine / (mine + theirs)
    sigma = (expected * (1 - expected) / trials) ** 0.5
    assert abs(wins / trials - expected) < 4 * sigma


def test_weighted_sample_without_replacement_favours_tickets() -> None:
    """Three of ten requests, four of them with 4 tickets: inclusion odds follow the weights."""
    tickets = [4, 4, 4, 4, 1, 1, 1, 1, 1, 1]
    chosen = np.zeros(10)
    trials = 3000
    for trial in range(trials):
        seed = hashlib.sha256(f"sample {trial}".encode()).digest()
        keys = [draw_key(seed, f"r{i}", w) for i, w in enumerate(tickets)]
        for index in np.argsort(keys)[-3:]:
            chosen[index] += 1
    heavy, light = chosen[:4].mean() / trials, chosen[4:].mean() / trials
    assert heavy + light > 0
    assert heavy > 2.5 * light  # about 0.60 against 0.10 when sampling by weight
    assert abs(chosen.sum() - 3 * trials) == 0
