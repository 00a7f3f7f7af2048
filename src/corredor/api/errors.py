"""Service errors as HTTP answers: 401, 403, 404, 409 with the allowed transitions, 422 by field."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from corredor.kernel.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from corredor.kernel.idempotency import HEADER


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

    @app.exception_handler(InvalidInput)
    async def _invalid(_: Request, error: InvalidInput) -> JSONResponse:
        detail = [{"loc": _where(error.field), "msg": str(error), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)
