"""Health for load balancers and orchestrators: `/health/live` (the process answers) and
`/health/ready` (it can serve: database, schema, Redis). `/health` is readiness too, so an old
probe no longer reports `ok` while the database is down."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from corredor.api.security import PUBLIC, platform_of
from corredor.kernel.health import readiness
from corredor.platform import Platform

router = APIRouter(tags=["health"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
RETRY_AFTER_SECONDS: Final = 5
NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "Not ready: each check says why; `Retry-After` says when to ask again.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    }
}


@router.get("/health/live", dependencies=[Depends(PUBLIC)])
def live() -> dict[str, str]:
    """The process is up and answering (it does not look at the database)."""
    return {"status": "ok"}


@router.get("/health/ready", dependencies=[Depends(PUBLIC)], responses=NOT_READY)
def ready(platform: PlatformDep) -> JSONResponse:
    """Ready to serve: the database answers and holds the expected schema, and Redis, when the
    rate limit uses it, answers. 503 with `Retry-After` otherwise."""
    return _readiness_answer(platform)


@router.get("/health", dependencies=[Depends(PUBLIC)], responses=NOT_READY)
def health(platform: PlatformDep) -> JSONResponse:
    """The same as `/health/ready`."""
    return _readiness_answer(platform)


def _readiness_answer(platform: Platform) -> JSONResponse:
    state = readiness(platform.db, platform.settings.rate_limit_url)
    body = {"status": "ok" if state.ready else "unavailable", "checks": state.checks}
    if state.ready:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
