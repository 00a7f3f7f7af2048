"""What the pages, the CLI and the other features ask of screening.

Screening keeps nothing about a person: its use cases are plain functions over the catalogue
of policy files (`policies`) or a table of profiles (`tables`, which alone loads Polars); its
one table counts completed screenings per day, language and result (`usage`).
Problems are raised as `domain.problems` errors that name the file and the field.
"""
