"""What the pages, the CLI and the other features ask of screening.

Screening keeps nothing in the database: its use cases are plain functions over the catalogue
of policy files (`policies`) or a table of profiles (`tables`, which alone loads Polars).
Problems are raised as `domain.problems` errors that name the file and the field.
"""
