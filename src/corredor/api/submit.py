"""Creates and submits: run a use case once per Idempotency-Key, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from corredor.kernel.auth import Principal
from corredor.kernel.idempotency import HEADER, run_once
from corredor.services.platform import Platform

IdempotencyKey = Annotated[
    str,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        description="Any unique string per intended action; a retry with the same key "
        "returns the first answer and creates nothing new.",
    ),
]


def submit(  # noqa: PLR0917 - every route calls it the same way, in this order
    platform: Platform,
    who: Principal,
    key: str,
    operation: str,
    payload: BaseModel | dict[str, Any] | None,
    action: Callable[[Session], tuple[int, dict[str, Any]]],
) -> JSONResponse:
    body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload or {}
    status, answer = run_once(
        platform.db, platform.cipher, who, key, operation=operation, payload=body, action=action
    )
    return JSONResponse(answer, status_code=status)
