"""Benchmark: how long `/api/v1/health/live` takes to answer while hostile photos are uploaded to
the public verifier.

    .venv/bin/python benchmarks/uploads.py [--rounds 5] [--write]

It starts the real server (`corredor serve`, its own SQLite file) in a subprocess, then measures
the health probe's latency (one GET every 50 ms, from this process) in three phases of the same
length: nothing else in flight; 8 uploads at once of a 9000 x 9000 PNG (small on the wire,
81 megapixels once decoded: refused before decoding); 8 uploads at once of a 4800 x 4800 PNG
(23 megapixels, just under the limit, so each is really decoded and shrunk in the worker pool).
Each upload comes from its own address (X-Forwarded-For, which uvicorn trusts from loopback), so
the per-address rate limit does not turn them away. The server's peak memory (VmHWM) is read
from /proc at the end. The machine's load is printed beside the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image

from corredor.demo.walk import free_port

RESULTS = Path(__file__).parent / "results" / "uploads.md"
CONCURRENT_UPLOADS = 8
PROBE_EVERY = 0.05  # seconds


def png(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (side, side), color=1).save(out, format="PNG", optimize=True)
    return out.getvalue()


async def csrf(client: httpx.AsyncClient) -> tuple[str, str]:
    """The form's token and the cookie to send with it. The cookie is Secure, so a client
    talking plain HTTP to loopback would not send it by itself: it goes as a header."""
    page = await client.get("/verify", params={"lang": "en"})
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "no CSRF token on /verify"
    cookie = "; ".join(f"{name}={value}" for name, value in page.cookies.items())
    return found.group(1), cookie


async def upload(
    client: httpx.AsyncClient, form: tuple[str, str], image: bytes, address: str
) -> float:
    token, cookie = form
    started = time.perf_counter()
    answer = await client.post(
        "/verify",
        data={"csrf_token": token},
        files={"image": ("photo.png", image, "image/png")},
        headers={"X-Forwarded-For": address, "Cookie": cookie},
    )
    assert answer.status_code in {200, 400}, answer.status_code
    return time.perf_counter() - started


async def probe(client: httpx.AsyncClient, stop: asyncio.Event, into: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        answer = await client.get("/api/v1/health/live")
        into.append(time.perf_counter() - started)
        assert answer.status_code == 200
        await asyncio.sleep(PROBE_EVERY)


async def phase(base: str, image: bytes | None, rounds: int) -> tuple[list[float], list[float]]:
    """Health latencies, and the uploads' own times, over `rounds` bursts of uploads."""
    health: list[float] = []
    uploads: list[float] = []
    limits = httpx.Limits(max_connections=CONCURRENT_UPLOADS + 2)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        form = await csrf(client)  # one form token (and cookie) for the whole phase
        stop = asyncio.Event()
        prober = asyncio.create_task(probe(client, stop, health))
        for round_ in range(rounds):
            if image is None:
                await asyncio.sleep(2.0)
                continue
            burst = [
                upload(client, form, image, f"10.0.{round_}.{n}") for n in range(CONCURRENT_UPLOADS)
            ]
            uploads += await asyncio.gather(*burst)
        stop.set()
        await prober
    return health, uploads


def summary(latencies: list[float]) -> str:
    if not latencies:
        return "n/a"
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"n={len(ms)}, median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_until_up(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    port = free_port("127.0.0.1")
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        env = os.environ | {"CORREDOR_DATABASE_URL": f"sqlite:///{scratch}/uploads.db"}
        corredor = str(Path(sys.executable).parent / "corredor")
        server = subprocess.Popen(
            [corredor, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base)
            load_before = os.getloadavg()
            quiet, _ = asyncio.run(phase(base, None, args.rounds))
            bomb_health, bomb_uploads = asyncio.run(phase(base, png(9000), args.rounds))
            big_health, big_uploads = asyncio.run(phase(base, png(4800), args.rounds))
            load_after = os.getloadavg()
            memory = peak_memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [
        "# Hostile uploads: does the server keep answering?",
        "",
        "`.venv/bin/python benchmarks/uploads.py --rounds "
        f"{args.rounds} --write` ({CONCURRENT_UPLOADS} uploads at once per round, health probed "
        f"every {PROBE_EVERY * 1000:.0f} ms; {os.cpu_count()} cores).",
        "",
        f"- Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)}.",
        "",
        "| phase | `/health/live` latency | upload answer time |",
        "| --- | --- | --- |",
        f"| nothing else in flight | {summary(quiet)} | — |",
        f"| 8 × 9000×9000 PNG ({len(png(9000)) // 1024} KB, refused before decoding) | "
        f"{summary(bomb_health)} | {summary(bomb_uploads)} |",
        f"| 8 × 4800×4800 PNG (23 MP, decoded and shrunk in the pool) | "
        f"{summary(big_health)} | {summary(big_uploads)} |",
        "",
        f"Server peak memory (VmHWM) over the whole run: {memory:.0f} MB.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
