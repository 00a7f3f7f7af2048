"""Service errors as HTTP answers: 401, 403, 404, 409 with the allowed transitions, 422 by field;
503 with `Retry-After` while the database cannot be reached, and a JSON 500 (never a traceback or
plain text) for anything else."""

from __future__ import annotations

import logging
from typing import Final

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from corredor.kernel.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from corredor.kernel.idempotency import HEADER

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS: Final = 5
# What the driver raises when the database is down, restarting or out of connections.
UNAVAILABLE: Final = (OperationalError, InterfaceError, DisconnectionError)


def _where(field: str) -> list[str]:
    return ["header", field] if field == HEADER else ["body", field]


def install(app: FastAPI) -> None:
    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(_: Request, error: Unauthenticated) -> JSONResponse:
        return JSONResponse(
            {"detail": str(error)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, error: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=403)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, error: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, error: Conflict) -> JSONResponse:
        return JSONResponse(
            {"detail": str(error), "state": error.state, "allowed_transitions": error.allowed},
            status_code=409,
        )

    @app.exception_handler(TooManyAttempts)
    async def _too_many(_: Request, error: TooManyAttempts) -> JSONResponse:
        return JSONResponse(
            {"detail": str(error)},
            status_code=429,
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(InvalidInput)
    async def _invalid(_: Request, error: InvalidInput) -> JSONResponse:
        detail = [{"loc": _where(error.field), "msg": str(error), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    async def _unavailable(_: Request, error: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", type(error).__name__)
        return JSONResponse(
            {"detail": "the service is briefly unavailable; try again shortly"},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, _unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        # Logged by the server with its traceback; the caller learns only that it failed.
        return JSONResponse({"detail": "internal error"}, status_code=500)
