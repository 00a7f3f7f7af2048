"""Screening throughput: the vectorized evaluator over 1,000,000 synthetic profiles against the
whole catalogue, and the scalar evaluator's rate on the same data.

    .venv/bin/python benchmarks/screening.py [--rows 1000000] [--seed 7] [--repeat 5]

Profiles are synthetic (seeded): nationality mix of the corridor, households with and without
young children, documents, irregular entries around the CHNV cut-offs, job offers. About a third
of each fact is left unknown so the three-valued paths are exercised.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from corredor.screening.bulk.vectorized import screen_frame
from corredor.screening.domain.facts import Profile
from corredor.screening.policy_files import load_catalogue

NATIONALITIES = ["VE", "HT", "EC", "CU", "NI", "GT", "HN", "SV", "CO", "MX", "CN", "IN"]
SHARES = [0.30, 0.14, 0.12, 0.08, 0.06, 0.07, 0.07, 0.04, 0.05, 0.03, 0.02, 0.02]
COUNTRIES = ["MX", "GT", "CO", "CR", "EC", "PA", "US"]
REGIONS = ["MX-CHP", "MX-TAB", "MX-CMX", "MX-BCN", "MX-CHH", "MX-NLE"]
DOCUMENTS = ["passport", "national_id", "tvrh", "alternative_travel_document", "birth_certificate"]


def _dates(rng: np.random.Generator, n: int, start: date, end: date) -> np.ndarray:
    days = rng.integers(0, (end - start).days, n)
    return np.datetime64(start) + days.astype("timedelta64[D]")


def _maybe(rng: np.random.Generator, n: int, known: float) -> np.ndarray:
    return rng.random(n) < known


def synthetic_profiles(rows: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = rows

    def column(values: Any, known: float = 0.67) -> pl.Series:
        series = pl.Series(values)
        return pl.select(pl.when(pl.lit(_maybe(rng, n, known))).then(series)).to_series()

    child = pl.struct(
        relation=pl.lit("child"),
        birth_date=pl.lit(_dates(rng, n, date(2006, 1, 1), date(2026, 1, 1))),
    )
    spouse = pl.struct(
        relation=pl.lit("spouse"),
        birth_date=pl.lit(_dates(rng, n, date(1960, 1, 1), date(2006, 1, 1))),
    )
    entry = pl.struct(
        country=pl.lit(rng.choice(["PA", "US", "MX", "GT"], n)),
        date=pl.lit(_dates(rng, n, date(2021, 1, 1), date(2025, 1, 1))),
    )
    offer = pl.struct(
        country=pl.lit(rng.choice(["US", "MX"], n)),
        visa_class=pl.lit(rng.choice(["H-2A", "H-2B", "MX-TVTF", "other"], n)),
    )
    has_child, has_spouse, has_entry = (_maybe(rng, n, p) for p in (0.45, 0.5, 0.4))
    return pl.DataFrame(
        {
            "nationality": column(rng.choice(NATIONALITIES, n, p=SHARES), 0.95),
            "birth_date": column(_dates(rng, n, date(1950, 1, 1), date(2024, 1, 1))),
            "current_country": column(rng.choice(COUNTRIES, n)),
            "current_region": column(rng.choice(REGIONS, n)),
            "criminal_history": column(rng.random(n) < 0.03),
            "us_supporter": column(rng.random(n) < 0.3),
            "unaccompanied_minor": column(rng.random(n) < 0.04),
            "seeking_asylum_in_mexico": column(rng.random(n) < 0.2),
            "fear_of_persecution": column(rng.random(n) < 0.4),
            "returned_from_us": column(rng.random(n) < 0.05),
        }
    ).with_columns(
        pl.concat_list(
            pl.when(pl.lit(has_spouse)).then(spouse), pl.when(pl.lit(has_child)).then(child)
        )
        .list.drop_nulls()
        .alias("household"),
        pl.concat_list(pl.when(pl.lit(has_entry)).then(entry))
        .list.drop_nulls()
        .alias("irregular_entries"),
        pl.concat_list(pl.lit(rng.choice(DOCUMENTS, n)), pl.lit(rng.choice(DOCUMENTS, n)))
        .list.unique()
        .alias("documents"),
        pl.when(pl.lit(_maybe(rng, n, 0.5))).then(offer).alias("job_offer"),
    )


def to_profiles(frame: pl.DataFrame) -> list[Profile]:
    profiles = []
    for row in frame.to_dicts():
        facts = {name: value for name, value in row.items() if value is not None}
        profiles.append(Profile.model_validate(facts))
    return profiles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scalar-rows", type=int, default=20_000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2024, 6, 1))
    args = parser.parse_args()

    catalogue = load_catalogue()
    in_effect = sum(catalogue.in_effect(p, args.as_of) is not None for p in catalogue.pathway_ids())
    frame = synthetic_profiles(args.rows, args.seed)
    screen_frame(catalogue, frame.head(1000), args.as_of)  # warm-up

    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = screen_frame(catalogue, frame, args.as_of)
        timings.append(time.perf_counter() - started)
    assert result.height == args.rows

    # the scalar screener refuses a profile with a date after the screening date (bad input)
    sample = [p for p in to_profiles(frame.head(args.scalar_rows)) if not p.dates_after(args.as_of)]
    started = time.perf_counter()
    for person in sample:
        catalogue.screen(person, args.as_of)
    scalar_seconds = time.perf_counter() - started

    pathways = len(catalogue.pathway_ids())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, polars {pl.__version__}"
    )
    print(
        f"catalogue: {pathways} pathways ({in_effect} in effect on {args.as_of}), rows: {args.rows:,}, seed {args.seed}"
    )
    print(
        f"vectorized: median {statistics.median(timings):.3f} s, best {min(timings):.3f} s over {args.repeat} runs "
        f"= {args.rows / statistics.median(timings):,.0f} profiles/s (x{pathways} pathways)"
    )
    print(
        f"scalar: {len(sample):,} profiles in {scalar_seconds:.2f} s = {len(sample) / scalar_seconds:,.0f} profiles/s "
        f"(1,000,000 would take {args.rows / (len(sample) / scalar_seconds):.0f} s)"
    )
    print(
        f"eligible anywhere: {result.select(pl.any_horizontal(pl.all() == 'eligible')).to_series().sum():,} rows"
    )


if __name__ == "__main__":
    main()
