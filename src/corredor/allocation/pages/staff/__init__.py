"""Pages only the officers who run allocation see (the staff catalog: Spanish and English)."""
