"""The signed-in applicant's documents, each with where it stands today: valid, not valid yet,
expired, or revoked (when, and the reason the agency gave).

The documents are `issuance.my_documents`, the call behind GET /api/v1/documents/mine, so the
same permission, the same scope (only the person's own cases) and the same audit entry apply;
this adds only what the holder is told about a revocation, read from the same rows.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.documents import issuance
from corredor.documents.schemas import DocumentOut, HeldDocument, Standing
from corredor.documents.tables import DocumentRow
from corredor.kernel import audit
from corredor.kernel.auth import Principal
from corredor.platform import Platform


def standing(document: DocumentOut, today: date) -> Standing:
    """A revocation outweighs the dates: a revoked document is revoked whatever its dates say."""
    if document.revoked:
        return Standing.REVOKED
    if today > document.valid_until:
        return Standing.EXPIRED
    if today < document.valid_from:
        return Standing.NOT_YET_VALID
    return Standing.VALID


def my_held_documents(p: Platform, s: Session, who: Principal) -> list[HeldDocument]:
    """The caller's documents (`issuance.my_documents`, audited), with their standing today."""
    held = issuance.my_documents(p, s, who)
    ids = [document.id for document in held]
    revocations = {
        row.id: (row.revoked_at, row.revocation_reason)
        for row in s.execute(select(DocumentRow).where(DocumentRow.id.in_(ids))).scalars()
    }
    today = p.today()
    found = []
    for document in held:
        revoked_at, reason = revocations.get(document.id, (None, None))
        found.append(
            HeldDocument(
                document=document,
                standing=standing(document, today),
                revoked_at=audit.as_utc(revoked_at) if revoked_at is not None else None,
                revocation_reason=reason,
            )
        )
    return found
