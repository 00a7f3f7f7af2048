"""Screening: pathway policies as data, the rules engine, the public multilingual screener, the
published policy pages and the bulk (vectorized) screener.

Where things are:
- `domain/`: pure: the policy model, the fact vocabulary, predicates, the rules engine, the
  catalogue of versions, plain-language explanations, version diffs, and the problems reported;
- `policy_files.py`: reading the YAML policy files; `offices.py`: the offices behind each step;
- `bulk/`: the vectorized twin of the rules engine over tables of profiles (Polars), and its I/O;
- `use_cases.py`: what the pages, the CLI and the other features call (plain functions over the
  catalogue: screening keeps nothing in the database); `schemas.py`: their outputs;
- `pages/`: the screener (`screener.py`, with its questions in `questions.py` and results in
  `results.py`), the published rules (`published.py`) and the staff's policy list
  (`staff_policies.py`);
- `cli.py`: `corredor screen`, `screen-bulk`, `screen-demo`, `version` and `policy check`.
"""
