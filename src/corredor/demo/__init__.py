"""Demo data for `corredor serve --demo`: accounts of every role, a sample case and an open
request window, seeded in-process through the same use cases the API and pages call."""
