"""The person matching's pages."""
