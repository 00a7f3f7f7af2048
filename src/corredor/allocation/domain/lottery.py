"""The seeded lottery: a committed seed, tickets, and a draw anyone can re-run.

The published rule, written so an outside auditor can re-implement it in any language:

1. Before a request window opens, the operator draws a 32-byte random seed and publishes
   ``commitment = SHA-256(seed)`` (hex). The seed itself stays secret until the window closes.
2. After the run, the seed is revealed; anyone checks ``SHA-256(seed) == commitment``.
3. For each request, ``digest = SHA-512(seed || request_id)`` where ``request_id`` is the request's
   id encoded as UTF-8. The 64-byte digest is read as eight unsigned 64-bit big-endian integers:
   the request's eight possible *tickets*.
4. A request with ``w`` tickets (1 <= w <= 8) has the draw key ``max(ticket[0], ..., ticket[w-1])``.
5. Within a priority tier, requests are ranked by draw key, highest first; equal keys (never seen in
   practice: two 64-bit values) are ordered by request id, as UTF-8 bytes, ascending.

Why tickets and a maximum: the best of ``w`` independent uniform tickets is distributed like
``u ** (1 / w)``, the Efraimidis–Spirakis key for weighted sampling without replacement, so a
request with ``w`` tickets beats one with ``v`` tickets with probability ``w / (w + v)``. Unlike the
floating-point key, the maximum of integers is exact: every implementation, on every machine,
gets the same ranking, bit for bit. (``log`` is not correctly rounded everywhere; NumPy's and the C
library's differ in the last bit for about one value in three hundred.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SEED_BYTES = 32
MAX_TICKETS = 8
TICKET_BYTES = 8


class SeedError(ValueError):
    """A seed or commitment that is not in the published format."""


def new_seed() -> bytes:
    """A fresh secret seed, from the operating system's cryptographic random source."""
    return secrets.token_bytes(SEED_BYTES)


def commitment(seed: bytes) -> str:
    """What is published before the window opens: the SHA-256 of the seed, in hex."""
    check_seed(seed)
    return hashlib.sha256(seed).hexdigest()


def seed_matches(seed: bytes, committed: str) -> bool:
    """Whether a revealed seed is the one that was committed (constant-time comparison)."""
    return len(seed) == SEED_BYTES and hmac.compare_digest(commitment(seed), committed.lower())


def check_seed(seed: bytes) -> bytes:
    if len(seed) != SEED_BYTES:
        raise SeedError(f"seed: expected {SEED_BYTES} bytes, got {len(seed)}")
    return seed


def seed_from_hex(text: str) -> bytes:
    try:
        seed = bytes.fromhex(text.strip())
    except ValueError:
        raise SeedError("seed: expected 64 hexadecimal characters") from None
    return check_seed(seed)


def check_tickets(tickets: int) -> int:
    if not 1 <= tickets <= MAX_TICKETS:
        raise ValueError(f"tickets: expected 1 to {MAX_TICKETS}, got {tickets}")
    return tickets


def ticket_digest(seed: bytes, request_id: str) -> bytes:
    """SHA-512(seed || request_id): the 64 bytes holding a request's eight tickets."""
    return hashlib.sha512(check_seed(seed) + request_id.encode("utf-8")).digest()


def tickets_of(seed: bytes, request_id: str) -> tuple[int, ...]:
    digest = ticket_digest(seed, request_id)
    return tuple(
        int.from_bytes(digest[i : i + TICKET_BYTES], "big")
        for i in range(0, len(digest), TICKET_BYTES)
    )


def draw_key(seed: bytes, request_id: str, tickets: int) -> int:
    """The request's draw key: its best ticket among the first `tickets`."""
    return max(tickets_of(seed, request_id)[: check_tickets(tickets)])


def rank_key(tier: int, key: int, request_id: str) -> tuple[int, int, bytes]:
    """Sort key for the published order: tier first, then the highest draw key, then the id."""
    return (tier, -key, request_id.encode("utf-8"))
