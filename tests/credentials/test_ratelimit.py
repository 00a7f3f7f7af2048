"""The rate limit's buckets: in Redis, shared so every worker and instance counts the same
checks; and in the process, where memory stays bounded.

Needs Redis on 127.0.0.1:6379 (`make test` starts it if it is not running); database 15 and a
key prefix of each test's own keep it apart from anything else there.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.config import Settings
from corredor.kernel import ratelimit
from corredor.kernel.domain.permissions import Role
from corredor.kernel.ratelimit import CAPACITY, RedisTokenBucketLimiter, TokenBucketLimiter
from corredor.platform import Platform
from tests.platform.conftest import Api

REDIS_URL = os.environ.get("CORREDOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def prefix() -> Iterator[str]:
    chosen = f"corredor-test:{uuid.uuid4().hex}:"
    yield chosen
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{chosen}*"):
        client.delete(key)
    client.close()


def test_two_workers_share_one_bucket(prefix: str) -> None:
    first = RedisTokenBucketLimiter(REDIS_URL, capacity=3, rate=0.001, prefix=prefix)
    second = RedisTokenBucketLimiter(REDIS_URL, capacity=3, rate=0.001, prefix=prefix)
    waits = [first.take("user:a"), second.take("user:a"), first.take("user:a")]
    assert waits == [0.0, 0.0, 0.0]
    refused = second.take("user:a")
    assert 990 < refused <= 1000  # one token at 0.001/s
    assert first.take("user:b") == 0.0  # another caller has a bucket of their own
    first.close()
    second.close()


def test_the_bucket_refills_at_its_rate(prefix: str) -> None:
    moment = [1_000.0]
    limiter = RedisTokenBucketLimiter(
        REDIS_URL, capacity=1, rate=20.0, prefix=prefix, clock=lambda: moment[0]
    )
    assert limiter.take("ip:x") == 0.0
    assert limiter.take("ip:x") == 0.05  # one token at 20/s, and no time has passed
    moment[0] += 0.025
    # half a token came back: half the wait is left (rounded up to the microsecond)
    assert limiter.take("ip:x") == pytest.approx(0.025, abs=2e-6)
    moment[0] += 0.05
    assert limiter.take("ip:x") == 0.0
    idle = redis.Redis.from_url(REDIS_URL).ttl(f"{prefix}ip:x")
    assert 0 < idle <= math.ceil(1 / 20.0) + 1  # an idle bucket is forgotten once full again
    limiter.close()


def test_without_a_clock_the_redis_servers_clock_refills_the_bucket(prefix: str) -> None:
    # production: the Redis server's clock. No sleep to race: a bucket that refills a million
    # tokens a second is full again by the next call, however slow the machine
    limiter = RedisTokenBucketLimiter(REDIS_URL, capacity=1, rate=1_000_000.0, prefix=prefix)
    assert [limiter.take("ip:y") for _ in range(3)] == [0.0, 0.0, 0.0]
    limiter.close()


def test_a_bucket_that_never_refills_says_so(prefix: str) -> None:
    limiter = RedisTokenBucketLimiter(REDIS_URL, capacity=1, rate=0.0, prefix=prefix)
    assert limiter.take("user:c") == 0.0
    assert limiter.take("user:c") == math.inf


def test_two_app_instances_with_the_setting_count_checks_together(
    api: Api, session_platform: Platform
) -> None:
    """Two instances over one database, as behind a load balancer: together they allow the
    capacity of checks, not twice it."""
    settings = Settings(
        database_url=session_platform.settings.database_url, rate_limit_url=REDIS_URL
    )
    platform = Platform.build(settings)
    platform.limit_clock = lambda: 1_000.0  # time stands still: no token comes back mid-test
    # an address of this test's own, so another run on the same Redis shares no bucket with it
    address = f"testclient-{uuid.uuid4().hex[:8]}"
    token = api.user("shared-limit-employer", Role.EMPLOYER)["token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"credential": "not a document"}
    instances = [
        TestClient(create_app(platform=platform), client=(address, 50000)) for _ in range(2)
    ]
    codes = [
        instances[n % 2]
        .post("/api/v1/verifications/employment", json=body, headers=headers | key())
        .status_code
        for n in range(CAPACITY + 1)
    ]
    assert codes[:CAPACITY] == [200] * CAPACITY
    assert codes[CAPACITY] == 429
    shared = redis.Redis.from_url(REDIS_URL)
    assert shared.exists(f"corredor:ratelimit:ip:{address}")  # the bucket both counted in
    shared.delete(f"corredor:ratelimit:ip:{address}")
    shared.close()
    platform.db.dispose()


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def test_the_in_process_limiter_forgets_the_idlest_caller_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "MAX_BUCKETS", 2)
    ticks = iter(range(100))
    limiter = TokenBucketLimiter(capacity=1, rate=0.0, clock=lambda: float(next(ticks)))
    assert limiter.take("a") == 0.0
    assert limiter.take("b") == 0.0
    assert limiter.take("a") == math.inf  # a is drained, and now the most recent caller
    assert limiter.take("c") == 0.0  # full: b, the idlest, is forgotten
    assert limiter.take("a") == math.inf  # a was kept, still drained
    assert limiter.take("b") == 0.0  # b starts again with a full bucket
