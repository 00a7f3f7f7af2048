"""The vectorized allocation engine (NumPy) for large runs.

It applies the rule of `corredor.allocation.domain.rule` to columns instead of objects; the tests in
tests/allocation/ prove it gives the same assignment, draw numbers and waiting lists.
"""
