"""Offline verification throughput: full verifications per second on one core, per format.

    .venv/bin/python benchmarks/credentials.py [--documents 2000] [--seconds 5] [--repeat 5]

Each verification is the whole offline path of `corredor verify` after loading: split the
code, look the key up, check the Ed25519 signature, check each disclosure against its signed
digest, read the claims, check the dates and the issuer's status list. Documents are distinct
(three types, two agencies, a household's worth of names), so nothing is answered from a cache
except the parsed header and public keys. Measured side by side, in rounds that alternate so
each format sees the same machine: the SD-JWT VC as printed on the card (name, birth date and
the photo disclosed), the presentations an airline and an employer get, and the first format
(a plain compact JWS) that documents issued before still carry. The `sd-jwt` reference
library's verifier (jwcrypto) runs on the same card codes for comparison. The process is
pinned to one CPU where the OS allows it. Also reported: the signature check alone (libsodium
via PyNaCl, and OpenSSL via cryptography) and each code's length and QR version.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import nacl
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto.jwk import JWK
from nacl.signing import SigningKey
from sd_jwt.verifier import SDJWTVerifier

from corredor.cases.domain.corridor import TravelMode
from corredor.documents.credentials import jws, render, sd_jwt
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
from corredor.documents.domain.vc import (
    DISCLOSED_TO,
    Audience,
    disclosable_claims,
    picture_url,
    plain_claims,
)
from corredor.identity.domain.portrait import normalise

NAMES = ["Marie-Claude Joseph", "Nadège Joseph", "José Ángel Ramírez Núñez", "Yelitza Pérez"]
STATUS_URI = "https://corredor.example.org/api/v1/credentials/status/{issuer}"
PORTRAIT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "portrait.jpg"


@dataclass
class Issued:
    verifier: Verifier
    formats: dict[str, list[str]]  # format -> distinct codes
    public: dict[str, JWK]  # issuer -> public key, for the reference library


def documents(count: int) -> Issued:
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
    picture = holder_picture()
    formats: dict[str, list[str]] = {name: [] for name in FORMATS}
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
            holder_picture=picture,
        )
        card = sd_jwt.issue(
            keys[issuer],
            kids[issuer],
            plain_claims(credential, STATUS_URI.format(issuer=issuer)),
            disclosable_claims(credential),
        )
        formats["card"].append(card)
        formats["airline"].append(sd_jwt.present(card, DISCLOSED_TO[Audience.AIRLINE]))
        formats["employer"].append(sd_jwt.present(card, DISCLOSED_TO[Audience.EMPLOYER]))
        without = replace(credential, holder_picture=None)
        formats["first format"].append(jws.sign(keys[issuer], kids[issuer], to_claims(without)))
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
                uri=STATUS_URI.format(issuer=issuer),
            ),
            ring,
        )
        for issuer in keys
    }
    public = {issuer: JWK.from_pyca(key.public_key()) for issuer, key in keys.items()}
    return Issued(Verifier(ring, lists), formats, public)


FORMATS = ("card", "airline", "employer", "first format")


def holder_picture() -> str:
    """The thumbnail the platform puts in a card's code, made from the fixture portrait."""
    return picture_url(normalise(PORTRAIT.read_bytes()).thumbnail)


def reference_rate(issued: Issued, seconds: float) -> float:
    """The sd-jwt reference library's verifications per CPU second on the card codes: the
    signature and the disclosures only (it checks no dates, status or key state)."""
    tokens = issued.formats["card"][:200]
    done, cpu_start = 0, time.process_time()
    while time.process_time() - cpu_start < seconds:
        for token in tokens:
            issuer = "INM" if "tvrh" in sd_jwt.parse(token).jwt.claims["vct"] else "CBP"
            SDJWTVerifier(token, lambda _i, _h, key=issued.public[issuer]: key)
        done += len(tokens)
    return done / (time.process_time() - cpu_start)


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
    issued = documents(args.documents)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores (pinned to 1), "
        f"Python {platform.python_version()}, PyNaCl {nacl.__version__}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for name, tokens in issued.formats.items():
        sizes = [len(t) for t in tokens]
        versions = [render.qr(t).version for t in tokens[:30]]
        print(
            f"{name}: {len(tokens)} codes of {min(sizes)}-{max(sizes)} characters, "
            f"QR version {min(versions)}-{max(versions)} at error correction M"
        )
    walls: dict[str, list[float]] = {name: [] for name in FORMATS}
    cpus: dict[str, list[float]] = {name: [] for name in FORMATS}
    valid = 0.0
    for _ in range(args.repeat):  # alternate formats each round: same machine for each
        for name in FORMATS:
            wall, cpu, valid = rate(issued.verifier, issued.formats[name], args.seconds)
            walls[name].append(wall)
            cpus[name].append(cpu)
    for name in FORMATS:
        print(
            f"{name}: offline verifications per CPU second: median "
            f"{statistics.median(cpus[name]):,.0f}, best {max(cpus[name]):,.0f}, worst "
            f"{min(cpus[name]):,.0f}; per wall-clock second: median "
            f"{statistics.median(walls[name]):,.0f} ({args.repeat} runs of {args.seconds:g} s)"
        )
    print(f"({valid:.1%} of documents valid, the rest revoked)")
    print(
        "sd-jwt reference library (jwcrypto), card codes, signature and disclosures only: "
        f"{reference_rate(issued, args.seconds):,.0f} per CPU second"
    )
    sodium_us, openssl_us = signature_only()
    print(
        f"signature check alone: libsodium {sodium_us:.1f} us, "
        f"OpenSSL (cryptography) {openssl_us:.1f} us"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
