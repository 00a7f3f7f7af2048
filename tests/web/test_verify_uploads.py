"""A photo sent to the public verifier cannot stall the server: oversized bodies and rate-limited
callers are refused before the form is read, images with too many pixels before they are decoded,
and decoding runs off the event loop while other requests are answered."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from corredor.app import create_app
from corredor.documents import verify_pages
from corredor.documents.credentials.render import qr_png
from corredor.kernel.ratelimit import TokenBucketLimiter
from corredor.platform import Platform
from tests.web.public_kit import issued_tvrh_card
from tests.web.signed_in import csrf_of, error_links


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    ) as client:
        yield client


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size, color=1).save(out, format="PNG", optimize=True)
    return out.getvalue()


def upload(client: TestClient, image: bytes, name: str = "qr.png") -> httpx.Response:
    form = client.get("/verify", params={"lang": "en"})
    return client.post(
        "/verify",
        data={"csrf_token": csrf_of(form.text), "code": ""},
        files={"image": (name, image, "image/png")},
    )


def test_a_small_file_declaring_81_megapixels_is_refused_before_decoding(
    client: TestClient,
) -> None:
    bomb = png((9000, 9000))
    assert len(bomb) < 200_000  # small on the wire, 81 MP once decoded
    answer = upload(client, bomb)
    assert answer.status_code == 400
    assert error_links(answer.text) == ["image"]
    assert "too many pixels" in answer.text


def test_a_large_phone_photo_is_shrunk_and_still_read(
    client: TestClient, platform: Platform
) -> None:
    _, token = issued_tvrh_card(platform)
    with Image.open(io.BytesIO(qr_png(token))) as qr:
        photo = Image.new("RGB", (4000, 3000), "white")
        photo.paste(qr.convert("RGB").resize((2400, 2400)), (800, 300))
    jpeg = io.BytesIO()
    photo.save(jpeg, format="JPEG", quality=90)
    answer = upload(client, jpeg.getvalue(), "photo.jpg")
    assert answer.status_code == 200
    assert "Valid" in answer.text and "Not valid" not in answer.text


def test_a_body_declared_too_large_is_refused_unread(client: TestClient) -> None:
    form = client.get("/verify", params={"lang": "en"})
    big = b"\0" * (verify_pages.MAX_BODY_BYTES + 1)
    answer = client.post(
        "/verify",
        data={"csrf_token": csrf_of(form.text)},
        files={"image": ("big.png", big, "image/png")},
    )
    assert answer.status_code == 413
    assert "choose one under 8 MB" in answer.text


def test_the_rate_limit_is_taken_before_the_form_is_read(client: TestClient) -> None:
    client.app.state.verification_limiter = TokenBucketLimiter(capacity=1, rate=0.01)  # type: ignore[attr-defined]
    first = client.post("/verify", data={"code": "eyJ"})  # no CSRF token: refused after the limit
    second = client.post("/verify", data={"code": "eyJ"})
    assert first.status_code == 403
    assert second.status_code == 429  # the limiter answered before the form was even parsed


def test_other_requests_are_answered_while_a_photo_is_decoded(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    released_in_time: list[bool] = []

    def slow_decode(data: bytes) -> str:
        started.set()
        released_in_time.append(release.wait(timeout=10))  # on the loop, this would deadlock
        return "not a document"

    monkeypatch.setattr(verify_pages, "decode_qr", slow_decode)
    app = create_app(platform=platform)

    async def scenario() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as web:
            form = await web.get("/verify", params={"lang": "en"})
            sending = asyncio.create_task(
                web.post(
                    "/verify",
                    data={"csrf_token": csrf_of(form.text)},
                    files={"image": ("qr.png", png((50, 50)), "image/png")},
                )
            )
            assert await asyncio.to_thread(started.wait, 10)
            health = await web.get("/api/v1/health/live")  # answered while decoding runs
            release.set()
            checked = await sending
            return health.status_code, checked.status_code

    health, checked = asyncio.run(scenario())
    assert health == 200
    assert released_in_time == [True]
    assert checked == 200
