"""Pages only staff see: their messages go to the staff catalog (es, en)."""
