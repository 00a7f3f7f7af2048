"""The server's own audit checkpoints: one every `audit_checkpoint_minutes`, while it runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from corredor.audit_trail.use_cases import take_checkpoint
from corredor.platform import Platform

log = logging.getLogger(__name__)


async def checkpoint_every(platform: Platform) -> None:
    minutes = platform.settings.audit_checkpoint_minutes
    while True:
        await asyncio.sleep(minutes * 60)
        try:
            made = await asyncio.to_thread(
                take_checkpoint, platform.db, platform.settings, platform.now()
            )
        except Exception:  # a full disk must not stop the server; the next try may succeed
            log.exception("audit checkpoint failed")
        else:
            log.info("audit checkpoint", extra={"seq": made.seq})


@asynccontextmanager
async def checkpoints_while_serving(app: FastAPI) -> AsyncIterator[None]:
    task = asyncio.create_task(checkpoint_every(app.state.platform))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
