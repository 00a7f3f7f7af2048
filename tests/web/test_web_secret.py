"""Two instances behind a load balancer: with the same CORREDOR_WEB_SECRET (a setting like any
other), a screener answer given to one is read by the other; with different secrets it is not."""

from __future__ import annotations

from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.config import Settings
from corredor.platform import Platform

SECRET = "one-secret-for-every-instance"


def instance(platform: Platform, secret: str | None) -> TestClient:
    settings = Settings(database_url=platform.settings.database_url, web_secret=secret)
    return TestClient(
        create_app(settings=settings), base_url="https://testserver", follow_redirects=False
    )


def answered_on_one_read_on_the_other(platform: Platform, second_secret: str | None) -> str:
    first, second = instance(platform, SECRET), instance(platform, second_secret)
    first.get("/")
    token = first.cookies.get("corredor_csrf")
    first.post("/screener/start", data={"csrf_token": token})
    answer = first.post("/screener/q/nationality", data={"csrf_token": token, "answer": "HT"})
    assert answer.status_code == 303, answer.text[:300]
    for name, value in first.cookies.items():
        second.cookies.set(name, value)
    return second.get("/screener/check", params={"lang": "en"}).text


def test_the_same_secret_shares_the_answers(session_platform: Platform) -> None:
    assert "Haiti" in answered_on_one_read_on_the_other(session_platform, SECRET)


def test_another_secret_does_not(session_platform: Platform) -> None:
    assert "Haiti" not in answered_on_one_read_on_the_other(session_platform, None)


def test_the_secret_is_a_setting() -> None:
    assert Settings(web_secret=SECRET).web_secret == SECRET
