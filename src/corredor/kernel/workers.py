"""A small bounded pool for blocking, CPU-bound work that a request needs (decoding a photo):
run there, it never holds the event loop, and at most `SIZE` such jobs run at once while the rest
wait their turn in the queue that `/metrics` reports."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Final, TypeVar

SIZE: Final = 2  # the machine's cores; more threads would only queue on the CPU instead
Result = TypeVar("Result")
_pool: Final = ThreadPoolExecutor(max_workers=SIZE, thread_name_prefix="corredor-work")


async def run_blocking(work: Callable[[bytes], Result], data: bytes) -> Result:
    """`work(data)` in the pool, awaited without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_pool, work, data)


def waiting() -> int:
    """Jobs queued for a free thread (the pool offers no public reading of it)."""
    return _pool._work_queue.qsize()
