"""The sharing pages only officers see (their messages are in the staff catalog)."""
