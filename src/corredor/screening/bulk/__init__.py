"""Screening tables of profiles at once: the vectorized twin of the rule engine, and its I/O."""
