"""The public monitoring portal (`/data`, `/api/v1/stats`, `corredor stats export`): indicators
of where people wait and whether the corridor works, computed with SQL aggregates, published
under disclosure control, as charts, tables and open data.

domain/ holds the disclosure rule and the indicators' definitions; the aggregates come from the
features that own the data (cases, documents and shelters each publish a `statistics` module,
run inside the portal's unit of work); use_cases.py builds the published tables; exports.py
writes them as CSV with HXL, JSON, Parquet and a Frictionless Data Package.
"""
