"""One person, one record: finding the records that may be the same person, without biometrics.

domain/ holds the pure parts: how names are written down and folded (names), which pairs are
worth comparing (blocking), how two records compare field by field (compare) and what the
comparisons add up to (model, a Fellegi-Sunter model whose every weight can be read and explained).
"""
