"""The allocation rule, pure: requests, capacity, tiers, the seeded lottery, the run record, and
the states a request moves through once it holds seats."""
