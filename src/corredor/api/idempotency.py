"""The `Idempotency-Key` header every create or submit route takes: the route hands it to
`kernel.commands.run_command`, which runs the command once per key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from corredor.kernel.idempotency import HEADER

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
