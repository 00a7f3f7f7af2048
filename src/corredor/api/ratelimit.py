"""A small in-process token bucket per caller, for the yes/no verification endpoints.

Each caller (the signed-in user, and separately the client address) has a bucket of
`capacity` checks that refills at `rate` per second; an empty bucket answers 429 with
Retry-After. It protects against scraping the register by guessing numbers. It is per process:
behind several instances each keeps its own buckets, so the effective limit is the sum; a
shared limiter (at the proxy, or in Redis) replaces it when one process is not enough.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse

CAPACITY = 60  # a burst: one desk clearing a queue
RATE = 1.0  # checks per second, sustained
MAX_BUCKETS = 50_000  # forget the idlest callers beyond this, so memory stays bounded


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
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, caller: str) -> float:
        """0 if the call may go ahead, else the seconds until it may."""
        with self._lock:
            moment = self._clock()
            bucket = self._buckets.get(caller)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    idlest = min(self._buckets, key=lambda k: self._buckets[k].updated)
                    del self._buckets[idlest]
                bucket = self._buckets[caller] = _Bucket(float(self.capacity), moment)
            bucket.tokens = min(
                self.capacity, bucket.tokens + (moment - bucket.updated) * self.rate
            )
            bucket.updated = moment
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate if self.rate > 0 else math.inf


def limiter_of(request: Request) -> TokenBucketLimiter:
    """One limiter per app, made on first use (tests may set their own)."""
    state = request.app.state
    if getattr(state, "verification_limiter", None) is None:
        state.verification_limiter = TokenBucketLimiter()
    limiter: TokenBucketLimiter = state.verification_limiter
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
