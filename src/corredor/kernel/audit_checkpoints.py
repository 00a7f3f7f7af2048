"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint says "at this time the chain held SEQ entries and the last one's MAC was HEAD",
signed with the audit signing key (Ed25519, a setting). Checkpoints are appended, one JSON line
each, to `checkpoints.jsonl` in the checkpoint directory, which an operator ships to the
auditors' own store; auditors also read them at `GET /api/v1/audit/checkpoints`.

The MAC chain alone cannot tell a log whose newest entries were deleted (or that was emptied,
with its head wound back) from a log that never had them. The latest checkpoint can: the
database must still hold entry SEQ with exactly that MAC. What was written after the latest
checkpoint is protected by the chain only, so checkpoints are taken every few minutes by the
server (`audit_checkpoint_minutes`) and on demand (`corredor audit checkpoint`).
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from corredor.config import Settings
from corredor.kernel import audit
from corredor.kernel.database import Database

FILE: Final = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    at: str  # ISO 8601, UTC
    signature: str  # base64 Ed25519 over the canonical statement

    def statement(self) -> bytes:
        return json.dumps(
            {"seq": self.seq, "head": self.head, "at": self.at}, sort_keys=True
        ).encode()


@dataclass(frozen=True)
class CheckpointReport:
    checkpoints: int
    latest: Checkpoint | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def signing_key(settings: Settings) -> SigningKey:
    return SigningKey(base64.b64decode(settings.audit_signing_key))


def public_key(settings: Settings) -> str:
    """What auditors check signatures with (base64 Ed25519 public key)."""
    return base64.b64encode(bytes(signing_key(settings).verify_key)).decode()


def take(database: Database, settings: Settings, now: datetime) -> Checkpoint:
    """Sign the chain's current head and append it to the checkpoint file (flushed to disk)."""
    with database.reading() as session:
        seq, head = audit.head(session)
    unsigned = Checkpoint(seq, head, now.isoformat(), "")
    signed = signing_key(settings).sign(unsigned.statement()).signature
    checkpoint = Checkpoint(seq, head, unsigned.at, base64.b64encode(signed).decode())
    directory = settings.audit_checkpoint_dir
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / FILE).open("a", encoding="utf-8") as out:
        out.write(json.dumps(asdict(checkpoint), sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return checkpoint


def read(directory: Path) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file, and the lines that are not one."""
    path = directory / FILE
    if not path.exists():
        return [], []
    found, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            fields = json.loads(line)
            found.append(
                Checkpoint(int(fields["seq"]), fields["head"], fields["at"], fields["signature"])
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint line {number} is not a checkpoint")
    return found, problems


def _signed(checkpoint: Checkpoint, key: VerifyKey) -> bool:
    try:
        key.verify(checkpoint.statement(), base64.b64decode(checkpoint.signature))
    except (BadSignatureError, ValueError):
        return False
    return True


def check(database: Database, settings: Settings) -> CheckpointReport:
    """The database's chain against every signed checkpoint: a checkpoint vouches that entry
    SEQ existed with MAC HEAD, so fewer entries means removal and another MAC a rewrite."""
    checkpoints, problems = read(settings.audit_checkpoint_dir)
    key = signing_key(settings).verify_key
    genuine = []
    for checkpoint in checkpoints:
        if _signed(checkpoint, key):
            genuine.append(checkpoint)
        else:
            problems.append(f"the checkpoint at {checkpoint.at} is not signed by the audit key")
    with database.reading() as session:
        held = audit.head(session)[0]
        for checkpoint in genuine:
            if checkpoint.seq == 0:
                continue
            entry = audit.entry_at(session, checkpoint.seq)
            if entry is None:
                problems.append(
                    f"entries were removed: the checkpoint of {checkpoint.at} vouches for "
                    f"{checkpoint.seq} entries, the database holds {held} (entry "
                    f"{checkpoint.seq} is missing)"
                )
                break
            if not hmac.compare_digest(entry.hash, checkpoint.head):
                problems.append(
                    f"the log was rewritten: entry {checkpoint.seq} differs from the checkpoint "
                    f"of {checkpoint.at}"
                )
                break
    latest = max(genuine, key=lambda c: c.seq, default=None)
    return CheckpointReport(len(genuine), latest, problems)
