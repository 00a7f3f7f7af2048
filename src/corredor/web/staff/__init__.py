"""Pages only officers and caseworkers use (catalog domain `staff`: Spanish and English)."""
