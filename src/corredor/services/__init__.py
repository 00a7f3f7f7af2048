"""Use cases: each opens and closes its own transaction, checks who may act, and audits."""
