"""Idempotent commands: a write declared once (its operation name, its input and what it does)
and run once per key, whether the key comes from the API's `Idempotency-Key` header or a page's
form key. A retry with the same key replays the first output and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from corredor.kernel.auth import Principal
from corredor.kernel.crypto import FieldCipher
from corredor.kernel.idempotency import run_once
from corredor.kernel.unit_of_work import HasDatabase

Output = TypeVar("Output", bound=BaseModel)


@dataclass(frozen=True)
class Command(Generic[Output]):
    operation: str  # what is done to what, e.g. "document:<id>:revoke"
    payload: dict[str, Any]  # the input, as JSON: a retry must send the same
    output: type[Output]
    run: Callable[[Session], Output]  # the work, inside the command's unit of work


class HasSealedStore(HasDatabase, Protocol):
    @property
    def cipher(self) -> FieldCipher: ...


def run_command(
    platform: HasSealedStore, who: Principal, key: str, command: Command[Output]
) -> Output:
    """Run the command once for this caller and key; the same key again replays its output."""
    _, body = run_once(
        platform.db,
        platform.cipher,
        who,
        key,
        operation=command.operation,
        payload=command.payload,
        action=lambda session: (200, command.run(session).model_dump(mode="json")),
    )
    return command.output.model_validate(body)
