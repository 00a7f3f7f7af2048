"""Pure person matching: no database, no clock, no I/O."""
