"""Screening's pure domain: the policy model, the fact vocabulary and the rules engine. No
framework, no database (tests/domain/test_purity.py)."""
