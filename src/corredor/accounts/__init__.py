"""Accounts: users, signing in (bearer tokens for the API, a session cookie for the pages) and
the signed-in person's home page.

Where things are:
- `tables.py`: the users table;
- `users.py`: creating an account and finding the account a job acts as, inside a caller's
  transaction (for the admin use case, seeding and command-line jobs);
- `use_cases.py`: what the API and the pages call; each opens its own unit of work;
- `schemas.py`, `api.py` (sign-in, who am I, users) and `pages.py` (sign in, sign out, the
  account's home).
"""
