"""The daily retention job, for a deployment that runs it inside the server instead of from
cron (`CORREDOR_RETENTION_DAILY=true`): once at start-up, then every 24 hours, it applies the
shipped policy as of the platform's clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Final

from fastapi import FastAPI

from corredor.platform import Platform
from corredor.retention.schemas import RetentionReport
from corredor.retention.use_cases import apply_retention, load_policy

log = logging.getLogger(__name__)
DAY_SECONDS: Final = 24 * 60 * 60


def run_once(platform: Platform) -> RetentionReport:
    """One daily run: the policy applied as of `platform.now()` (audited with counts)."""
    return apply_retention(platform, load_policy(), platform.now(), apply=True)


async def every_day(platform: Platform) -> None:
    while True:
        try:
            report = await asyncio.to_thread(run_once, platform)
        except Exception:  # a bad day must not stop the server; tomorrow's run may succeed
            log.exception("retention run failed")
        else:
            counts = {rule.kind: rule.persons or rule.replays for rule in report.rules}
            log.info("retention applied", extra={"policy": report.policy_version, **counts})
        await asyncio.sleep(DAY_SECONDS)


@asynccontextmanager
async def retention_while_serving(app: FastAPI) -> AsyncIterator[None]:
    platform: Platform = app.state.platform
    if not platform.settings.retention_daily:
        yield
        return
    task = asyncio.create_task(every_day(platform))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
