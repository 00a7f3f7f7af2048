"""Throttling of repeated failures (wrong passwords), with the `limits` library.

Only failures are counted. Each key (an account, a client address) has several windows at once,
short and long (5 a minute and 20 an hour per account), which gives a back-off: a few mistakes
cost a minute, a sustained guessing run costs an hour. Counts live in memory, or in Redis when
`CORREDOR_RATE_LIMIT_URL` is set, so every instance behind a load balancer shares them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class FailureThrottle:
    def __init__(self, per_key: dict[str, str], storage_url: str | None = None) -> None:
        """`per_key`: kind of key -> limits, e.g. {"account": "5/minute;20/hour"}."""
        self._limits: dict[str, Sequence[RateLimitItem]] = {
            kind: parse_many(spec) for kind, spec in per_key.items()
        }
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url or "memory://"))

    def wait(self, keys: dict[str, str]) -> int:
        """0 if an attempt may go ahead for these keys (kind -> value), else whole seconds to
        wait until the window that is full has room again."""
        waits = [
            self._limiter.get_window_stats(limit, kind, value).reset_time - time.time()
            for kind, value in keys.items()
            for limit in self._limits[kind]
            if not self._limiter.test(limit, kind, value)
        ]
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, keys: dict[str, str]) -> None:
        for kind, value in keys.items():
            for limit in self._limits[kind]:
                self._limiter.hit(limit, kind, value)
