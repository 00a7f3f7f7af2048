"""The feature's pages; `staff/` holds those only staff see (the staff catalog)."""
