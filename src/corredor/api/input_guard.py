"""Input no route can handle is refused at the door, with the field it came in.

Python's JSON parser accepts what JSON does not (`NaN`, `Infinity`) and strings no database or
response can hold (a lone UTF-16 surrogate such as `"\\ud800"`); PostgreSQL refuses a NUL byte in
any text. Left to the routes, each became a 500 somewhere deep (a validation error that cannot
echo its input, an encoder, a driver). This middleware looks once at the path, the query and a
JSON or form body before any route runs, and answers 404 for an impossible id in the path and
422 naming the field for the rest, in the API's usual error shape. Nothing is changed on the way
through: a clean request reaches the app byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES: Final = 1_000_000  # a JSON or form body; uploads (multipart) are not read here
# An upload (multipart) declaring more than this is refused before a byte is read, so no request
# can make the server spool a large file to disk; each route keeps its own smaller limit (a
# holder's photo 5 MB, a photo of a QR code 8 MB) and says so in its own words below this.
MAX_UPLOAD_BYTES: Final = 16 * 1024 * 1024
CHECKED_BODIES: Final = ("application/json", "application/x-www-form-urlencoded")
Location = list[str | int]


class _NotJsonNumber:
    """What `NaN`, `Infinity` and `-Infinity` parse to, so the walk can say where they were."""

    def __init__(self, text: str) -> None:
        self.text = text


def _unwritable(text: str) -> str | None:
    """Why a string cannot be stored or sent, or None if it can."""
    if "\x00" in text:
        return "must not contain a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (it holds a lone surrogate)"
    return None


def _problems(value: Any, where: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(value, _NotJsonNumber):
        yield where, f"{value.text} is not a JSON number; send a finite number"
    elif isinstance(value, str):
        if (why := _unwritable(value)) is not None:
            yield where, why
    elif isinstance(value, dict):
        for key, item in value.items():
            if (why := _unwritable(key)) is not None:
                yield [*where, key.encode("utf-8", "backslashreplace").decode()], f"name {why}"
            else:
                yield from _problems(item, [*where, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, [*where, index])


def json_problems(body: bytes) -> list[tuple[Location, str]]:
    """Every place in a JSON body that no route could accept; [] if none (or if it is not JSON
    at all, which FastAPI reports itself)."""
    try:
        parsed = json.loads(body, parse_constant=_NotJsonNumber)
    except UnicodeDecodeError:
        return [(["body"], "must be UTF-8 encoded JSON")]
    except ValueError:
        return []
    return list(_problems(parsed, ["body"]))


def pairs_problems(pairs: list[tuple[str, str]], where: str) -> list[tuple[Location, str]]:
    found: list[tuple[Location, str]] = []
    for name, value in pairs:
        if (why := _unwritable(name)) is not None:
            found.append(([where], f"a parameter name {why}"))
        elif (why := _unwritable(value)) is not None:
            found.append(([where, name], why))
    return found


def _decoded_pairs(raw: bytes) -> list[tuple[str, str]]:
    return parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8")


def _declared(scope: Scope) -> int:
    length = _header(scope, b"content-length")
    return int(length) if length.isdigit() else 0


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


class InputGuard:
    """Pure ASGI middleware (it must read the body once and hand the same bytes on)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _unwritable(scope["path"]) is not None:
            await _answer(send, 404, {"detail": "Not Found"})
            return
        found = pairs_problems(_decoded_pairs(scope.get("query_string", b"")), "query")
        if found:
            await _answer(send, 422, _detail(found))
            return
        media_type = _header(scope, b"content-type").split(";")[0].strip().lower()
        if media_type == "multipart/form-data" and _declared(scope) > MAX_UPLOAD_BYTES:
            await _answer(send, 413, {"detail": f"the upload is over {MAX_UPLOAD_BYTES} bytes"})
            return
        if media_type not in CHECKED_BODIES:
            await self.app(scope, receive, send)
            return
        body, complete = await _read_body(receive)
        if not complete:
            await _answer(send, 413, {"detail": f"the body is over {MAX_BODY_BYTES} bytes"})
            return
        if media_type == "application/json":
            found = json_problems(body)
        else:
            found = pairs_problems(_decoded_pairs(body), "body")
        if found:
            await _answer(send, 422, _detail(found))
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole body, or (what was read, False) once it passes MAX_BODY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True  # the client left; the app sees an empty body
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the disconnect, when it comes

    return replay


def _detail(found: list[tuple[Location, str]]) -> dict[str, object]:
    return {"detail": [{"loc": loc, "msg": msg, "type": "value_error"} for loc, msg in found]}


async def _answer(send: Send, status: int, content: dict[str, object]) -> None:
    body = json.dumps(content).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
