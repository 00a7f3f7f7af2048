"""Pages only officers see (the staff catalog: Spanish and English)."""
