"""Offline verification throughput: full verifications per second on one core.

    .venv/bin/python benchmarks/credentials.py [--documents 2000] [--seconds 5] [--repeat 5]

Each verification is the whole offline path of `corredor verify` after loading: parse the
compact JWS, look the key up, check the Ed25519 signature, read the claims, check the dates
and the issuer's status list. Documents are distinct (three types, two agencies, a household's
worth of names), so nothing is answered from a cache except the parsed header and public keys.
The process is pinned to one CPU where the OS allows it. Also reported: the cost of the
signature check alone (libsodium via PyNaCl) and, for comparison, OpenSSL's via cryptography.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import nacl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.signing import SigningKey

from corredor.cases.domain.corridor import TravelMode
from corredor.documents.credentials import jws
from corredor.documents.credentials.keys import KeyRing, PublishedKey, public_key_text
from corredor.documents.credentials.status import read_status_list, sign_status_list
from corredor.documents.credentials.verifier import Verifier
from corredor.documents.domain.credentials import (
    Credential,
    DocumentType,
    IssuerKey,
    KeyState,
    to_claims,
)

NAMES = ["Marie-Claude Joseph", "Nadège Joseph", "José Ángel Ramírez Núñez", "Yelitza Pérez"]


def documents(count: int) -> tuple[Verifier, list[str]]:
    keys = {"INM": Ed25519PrivateKey.generate(), "CBP": Ed25519PrivateKey.generate()}
    kids = {"INM": "inm-20260101-a1b2c3", "CBP": "cbp-20260101-d4e5f6"}
    ring = KeyRing(
        [
            PublishedKey(
                IssuerKey(kids[i], i, KeyState.ACTIVE, date(2026, 1, 1)), public_key_text(k)
            )
            for i, k in keys.items()
        ]
    )
    today = date.today()
    tokens = []
    kinds = [DocumentType.TVRH, DocumentType.TRAVEL, DocumentType.WORK]
    for n in range(count):
        kind = kinds[n % 3]
        issuer = "INM" if kind is DocumentType.TVRH else "CBP"
        credential = Credential(
            type=kind,
            number=f"{kind.upper()}-{n:010X}-1",
            issuer=issuer,
            holder_name=NAMES[n % len(NAMES)],
            holder_birth_date=date(1980 + n % 30, 1 + n % 12, 1 + n % 28),
            valid_from=today - timedelta(days=30),
            valid_until=today + timedelta(days=300),
            status_index=n,
            travel_mode=TravelMode.FLIGHT if kind is DocumentType.TRAVEL else None,
            port="us-fl-mia" if kind is DocumentType.TRAVEL else None,
            category="(c)(11)" if kind is DocumentType.WORK else None,
        )
        tokens.append(jws.sign(keys[issuer], kids[issuer], to_claims(credential)))
    now = datetime.now(UTC)
    lists = {
        issuer: read_status_list(
            sign_status_list(
                keys[issuer],
                kids[issuer],
                issuer,
                range(1, count, 97),
                next_index=count,
                issued_at=now,
            ),
            ring,
        )
        for issuer in keys
    }
    return Verifier(ring, lists), tokens


def rate(verifier: Verifier, tokens: list[str], seconds: float) -> tuple[float, float, float]:
    """Verifications per wall-clock second and per CPU second of this process, and the share
    valid. On a shared machine the CPU-second rate is what one core does when it is ours."""
    now = datetime.now(UTC)
    done = valid = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for token in tokens:
            valid += verifier.verify(token, now).valid
        done += len(tokens)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return done / wall, done / cpu, valid / done


def signature_only(count: int = 20_000) -> tuple[float, float]:
    message = b"x" * 330
    sodium = SigningKey.generate()
    signed = sodium.sign(message)
    verify_key = sodium.verify_key
    openssl = Ed25519PrivateKey.generate()
    signature = openssl.sign(message)
    public = openssl.public_key()
    start = time.perf_counter()
    for _ in range(count):
        verify_key.verify(message, signed.signature)
    sodium_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for _ in range(count):
        public.verify(signature, message)
    return sodium_us, (time.perf_counter() - start) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    verifier, tokens = documents(args.documents)
    sizes = [len(t) for t in tokens]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores (pinned to 1), "
        f"Python {platform.python_version()}, PyNaCl {nacl.__version__}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"documents: {len(tokens)}, token length {min(sizes)}-{max(sizes)} characters")
    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu, valid = rate(verifier, tokens, args.seconds)
        walls.append(wall)
        cpus.append(cpu)
    print(
        f"offline verifications per CPU second: median {statistics.median(cpus):,.0f}, "
        f"best {max(cpus):,.0f}, worst {min(cpus):,.0f} over {args.repeat} runs of "
        f"{args.seconds:g} s ({valid:.1%} of documents valid, the rest revoked)"
    )
    print(
        f"offline verifications per wall-clock second: median {statistics.median(walls):,.0f}, "
        f"best {max(walls):,.0f} (lower when other processes share the core)"
    )
    sodium_us, openssl_us = signature_only()
    print(
        f"signature check alone: libsodium {sodium_us:.1f} us, "
        f"OpenSSL (cryptography) {openssl_us:.1f} us"
    )


if __name__ == "__main__":
    main()
