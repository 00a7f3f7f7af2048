"""The `corredor` command line."""
