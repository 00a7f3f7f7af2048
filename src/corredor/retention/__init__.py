"""Retention and erasure: a person's erasure (their data key destroyed, recorded in a ledger
outside the database) and the retention policy that says when each kind of data goes."""
