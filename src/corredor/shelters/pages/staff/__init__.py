"""Pages only shelter staff see (the staff catalog: Spanish and English)."""
