"""The cases' pure domain: no framework, no database (tests/domain/test_purity.py)."""
