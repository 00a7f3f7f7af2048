"""The public monitoring portal (`/data`, `/api/v1/stats`, `corredor stats export`): indicators
of where people wait and whether the corridor works, computed with SQL aggregates, published
under disclosure control, as charts, tables and open data.

domain/ holds the disclosure rule and the indicators' definitions; sources.py the aggregates;
use_cases.py builds the published tables; exports.py writes them as CSV with HXL, JSON,
Parquet and a Frictionless Data Package.
"""
