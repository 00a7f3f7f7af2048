"""Pages only INM officers see: possible duplicates and their decision."""
