"""The public document check: what any offline verifier would answer, with today's keys and lists.

Anyone holding a document (a landlord, a school, the person themself) may check it. The answer
comes from the same `Verifier` the API and `corredor verify` use, fed with the platform's key
bundle and freshly signed status lists — exactly what `GET /credentials/keys` and
`GET /credentials/status` publish — so it tells nothing those public files do not already tell.
That is why it needs no account and leaves no audit entry: no record is looked up by number.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corredor.credentials.status import load_status_bundle
from corredor.credentials.verifier import Verifier
from corredor.domain.credentials import Verdict
from corredor.services import issuer_keys
from corredor.services.platform import Platform, now


def verify_presented(p: Platform, s: Session, token: str) -> Verdict:
    """Shape, key, signature and claims; then the dates (the platform's today) and revocation."""
    ring = issuer_keys.key_ring(s)
    status = load_status_bundle(issuer_keys.status_lists(p, s), ring)
    verifier = Verifier(ring, status)
    verdict = verifier.authentic(token)
    if verdict.credential is None or not verdict.valid:
        return verdict
    return verifier.current(verdict.credential, p.today(), now())
