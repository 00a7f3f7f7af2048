"""Corredor: safe, legal migration pathways as data, with the platform and simulator around them."""

__version__ = "0.1.0"
