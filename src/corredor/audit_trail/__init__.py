"""The auditors' view of the audit log: read its entries in order and verify the hash chain.

The chain mechanics (appending, hashing, verifying) stay in `kernel/audit.py`, which every
feature writes through; this package is only the auditors' API (`api.py`) and its use cases.
"""
