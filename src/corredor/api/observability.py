"""What operators watch: a request id and one JSON log line per request, and Prometheus metrics
at `/metrics` (requests and latencies per route template by prometheus-fastapi-instrumentator;
the audit chain's head and the blocking-work queue read at each scrape).

`/metrics` is public like `/health`: it holds counts and timings, nothing personal. A deployment
that does not want them seen restricts the path at its proxy.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Final

from fastapi import Depends, FastAPI
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.routing import get_route_name
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corredor.api.security import PUBLIC
from corredor.kernel import audit, workers
from corredor.platform import Platform

REQUEST_ID: Final = "x-request-id"
SANE_ID: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")  # a caller's id is kept only if plain
log = logging.getLogger("corredor.requests")


class RequestLog:
    """Gives each request an id (the caller's X-Request-ID if plain, else a new one), returns
    it in the answer and logs one line when the answer is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers", [])).get(REQUEST_ID.encode(), b"").decode("latin-1")
        request_id = sent if SANE_ID.fullmatch(sent) else uuid.uuid4().hex
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID.encode(), request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # the template the request matched (`/api/v1/cases/{case_id}`), as the metrics name it
            route = get_route_name(HTTPConnection(scope), should_include_root_path=False)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route or "unmatched",
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


class PlatformCollector(Collector):
    """Gauges read at each scrape: the audit chain's head, the blocking jobs waiting."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "corredor_audit_head_seq",
            "Entries in the audit chain (its head's sequence number).",
            value=audit.head_seq(self.platform.db),
        )
        yield GaugeMetricFamily(
            "corredor_blocking_work_queue",
            "Blocking jobs (photo decodes) waiting for a worker thread.",
            value=workers.waiting(),
        )


def install(app: FastAPI, platform: Platform) -> None:
    registry = CollectorRegistry()  # one per app: tests build many apps in one process
    registry.register(PlatformCollector(platform))
    Instrumentator(
        should_group_status_codes=False, excluded_handlers=["/metrics"], registry=registry
    ).instrument(app).expose(app, include_in_schema=False, dependencies=[Depends(PUBLIC)])
    app.add_middleware(RequestLog)
