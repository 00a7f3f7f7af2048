"""Signed documents: the TVRH card, the advance-parole travel authorization and the work
authorization, issued as Ed25519-signed credentials that verify offline.

Where things are:
- `domain/`: pure: what a credential says, verdicts;
- `credentials/`: the offline format: compact JWS, key bundles, status lists, the verifier, QR
  codes and printable cards;
- `tables.py`: issuer keys, documents, status counters;
- `issuer_keys.py`: issuer keys and status lists, inside a caller's transaction;
- `issuance.py`: issuing and revoking as steps of the case workflow, inside its transaction;
- `held.py`: an applicant's documents with their standing today;
- `use_cases.py`: what the API, the pages and the CLI call; each opens its own unit of work;
- `schemas.py`, `api.py`, `pages.py` (an applicant's documents), `verify_pages.py` (the public
  verifier) and `cli.py`.
"""
