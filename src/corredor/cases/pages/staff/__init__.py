"""The case pages only officers and caseworkers see (their messages are in the staff catalog):
the INM desk, CBP's review, the caseworker's assisted mode."""
