"""A token bucket per caller, for the yes/no verification endpoints.

Each caller (the signed-in user, and separately the client address) has a bucket of
`capacity` checks that refills at `rate` per second; an empty bucket answers 429 with
Retry-After. It protects against scraping the register by guessing numbers.

Two stores, one rule: `TokenBucketLimiter` keeps the buckets in the process (the default; behind
several workers each keeps its own, so the effective limit is their sum), and
`RedisTokenBucketLimiter` keeps them in Redis, shared by every worker and instance
(`CORREDOR_RATE_LIMIT_URL=redis://127.0.0.1:6379/0`). The Redis bucket is updated by one Lua
script, atomically, on the Redis server's clock, so workers with drifting clocks agree.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis
from fastapi import Request
from fastapi.responses import JSONResponse

CAPACITY = 60  # a burst: one desk clearing a queue
RATE = 1.0  # checks per second, sustained
MAX_BUCKETS = 50_000  # forget the idlest callers beyond this, so memory stays bounded


class Limiter(Protocol):
    def take(self, caller: str) -> float:
        """0 if the call may go ahead, else the seconds until it may."""
        ...


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    def __init__(
        self,
        capacity: int = CAPACITY,
        rate: float = RATE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.rate = rate
        self._clock = clock
        # least recently used first, so forgetting the idlest caller is O(1) even when full
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, caller: str) -> float:
        """0 if the call may go ahead, else the seconds until it may."""
        with self._lock:
            moment = self._clock()
            bucket = self._buckets.get(caller)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._buckets.popitem(last=False)
                bucket = self._buckets[caller] = _Bucket(float(self.capacity), moment)
            else:
                self._buckets.move_to_end(caller)
            bucket.tokens = min(
                self.capacity, bucket.tokens + (moment - bucket.updated) * self.rate
            )
            bucket.updated = moment
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate if self.rate > 0 else math.inf


# KEYS[1] the caller's bucket; ARGV: capacity, rate per second, and optionally the moment (in
# seconds) from an injected clock. Returns the wait in microseconds (0: go ahead). Without a
# moment, time is the Redis server's; an idle bucket expires once it would be full again.
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local moment = tonumber(ARGV[3])
if moment == nil then
  local now = redis.call('TIME')
  moment = tonumber(now[1]) + tonumber(now[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or moment
tokens = math.min(capacity, tokens + math.max(0, moment - updated) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
elseif rate > 0 then
  wait = math.ceil((1 - tokens) / rate * 1000000)
else
  wait = -1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(moment))
if rate > 0 then
  redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
end
return wait
"""


class RedisTokenBucketLimiter:
    """The same buckets as `TokenBucketLimiter`, kept in Redis for every worker at once."""

    def __init__(
        self,
        url: str,
        capacity: int = CAPACITY,
        rate: float = RATE,
        prefix: str = "corredor:ratelimit:",
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.capacity = capacity
        self.rate = rate
        self.prefix = prefix
        self.clock = clock  # None: the Redis server's clock, which every worker shares
        self._redis = redis.Redis.from_url(url, socket_timeout=1.0)
        self._take = self._redis.register_script(_TAKE)

    def take(self, caller: str) -> float:
        args: list[float] = [self.capacity, self.rate]
        if self.clock is not None:
            args.append(self.clock())
        wait = int(self._take(keys=[self.prefix + caller], args=args))
        if wait < 0:
            return math.inf
        return wait / 1_000_000

    def close(self) -> None:
        self._redis.close()


def limiter_of(request: Request) -> Limiter:
    """One limiter per app, made on first use from the settings (tests may set their own)."""
    state = request.app.state
    if getattr(state, "verification_limiter", None) is None:
        platform = state.platform
        url = platform.settings.rate_limit_url
        clock = platform.limit_clock  # None in service: Redis's clock, or the process's
        state.verification_limiter = (
            RedisTokenBucketLimiter(url, clock=clock)
            if url
            else TokenBucketLimiter(clock=clock or time.monotonic)
        )
    limiter: Limiter = state.verification_limiter
    return limiter


def refusal(request: Request, user_id: str) -> JSONResponse | None:
    """None if the caller may check now, else the 429 answer to send."""
    limiter = limiter_of(request)
    address = request.client.host if request.client else "unknown"
    wait = max(limiter.take(f"user:{user_id}"), limiter.take(f"ip:{address}"))
    if wait <= 0:
        return None
    retry = "3600" if math.isinf(wait) else str(max(1, math.ceil(wait)))
    return JSONResponse(
        {"detail": "too many checks; slow down"}, status_code=429, headers={"Retry-After": retry}
    )
