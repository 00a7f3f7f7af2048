"""What every feature shares and none owns: the unit of work (more to come: the idempotent
command runner, access, audit, crypto, errors, rate limits, the clock, the database base).
The kernel imports no feature (tests/project/test_import_rules.py)."""
