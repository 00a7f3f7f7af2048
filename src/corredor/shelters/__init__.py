"""Shelters: the registry of places where people wait along the route, and each shelter's daily
occupancy, entered by its own staff.

domain/ holds what a shelter and an occupancy report are and the rules a report must keep;
tables.py the rows; use_cases.py what the API, the pages and the CLI call; statistics.py the
aggregates the public portal reads inside its own unit of work.
"""
