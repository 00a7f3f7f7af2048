"""Pure: the retention policy's model and what it makes due on a day."""
