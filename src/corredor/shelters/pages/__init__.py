"""The shelter registry's pages."""
