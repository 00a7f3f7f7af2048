"""Benchmark: finding the same person registered twice, without biometrics.

    .venv/bin/python benchmarks/dedupe.py [--persons 10000 1000000] [--duplicates 0.05] [--seed 2026]
        [--memory-only] [--write] [--json raw.json]
    .venv/bin/python benchmarks/dedupe.py --registration-rate 500

`--memory-only` skips the SQLite register; `--write` replaces benchmarks/results/dedupe.md with
the report (which holds hand-written notes on 1M: merge by hand instead); `--json` keeps the raw
figures. At 1,000,000 persons a run takes about 35 minutes and 6.4 GiB on two shared cores.
`--registration-rate N` only times N persons registered through the real registration use case
(the SQLite register above is written by a bulk loader; this says why).

Builds, untimed, a synthetic register: households of Central American, Mexican, Venezuelan,
Cuban and Haitian families (family names shared, children after their parents, Spanish double
surnames, Haitian single surnames with French or Creole spellings), a passport for most adults.
Then `--duplicates` of the persons register a second time with the errors desks make: a typo in
a name, a dropped second surname or second given name, surnames in the other order, accents
lost, the Creole spelling for the French one, day and month swapped, one part of the date wrong,
no passport the second time or one character of it wrong, no nationality, no family beside them.
Every rate below is an assumption (no desk has published its error rates); the precision and
recall measured follow from them and from the model's judgements (corredor.identity.domain.model).

Measures, for each register size:
- the batch scan (every blocked pair scored), with blocking recall, precision and recall at the
  model's threshold (and at two others);
- screening one new registration against the whole register: its blocking keys, the candidates
  sharing one, each scored (median and 95th percentile over 500 registrations, half of them
  duplicates). The blocking index here is in memory; in the platform it is a keyed-hash table
  with an index.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path

import sqlalchemy as sa

from corredor.accounts.schemas import UserIn
from corredor.accounts.tables import User
from corredor.accounts.users import add_user
from corredor.cases.schemas import HouseholdIn, MemberIn, PersonIn
from corredor.cases.use_cases import registration
from corredor.config import Settings
from corredor.identity import register
from corredor.identity.domain.blocking import blocking_keys
from corredor.identity.domain.model import DEFAULT_MODEL, Model, estimate_u
from corredor.identity.domain.names import CREOLE_TO_FRENCH
from corredor.identity.domain.record import PersonRecord
from corredor.kernel.auth import Principal
from corredor.kernel.data_keys import DataKeys, data_keys
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.engine import upgrade
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform

RESULTS = Path(__file__).parent / "results" / "dedupe.md"


def _words(text: str) -> list[str]:
    return text.split()


TODAY = date(2026, 12, 1)

SPANISH_GIVEN = _words(
    "José Luis María Juan Carlos Ana Sofía Luis Fernando Carmen Rosa Miguel Ángel Jesús "
    "Guadalupe Francisco Javier Lucía Alejandro Daniela Jorge Mario Elena Pedro Valentina "
    "Ricardo Gabriela Óscar Marta Héctor Andrea Julio César Patricia Víctor Manuel Isabel "
    "Raúl Beatriz Sergio Camila Roberto Verónica Eduardo Paola Wilmer Yesenia Kevin Dayana "
    "Brayan Yuliana Edwin Maryuri Walter Xiomara Óscar René Ingrid Selvin Heydi Nelson Gladys"
)
SPANISH_SURNAMES = _words(
    "García Hernández López Martínez González Pérez Rodríguez Sánchez Ramírez Cruz Flores "
    "Gómez Morales Vásquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz "
    "Castillo Romero Álvarez Méndez Chávez Rivera Juárez Ramos Domínguez Herrera Medina "
    "Castro Vargas Guzmán Velásquez Muñoz Rojas Contreras Salazar Luna Ortega Santos Guerrero "
    "Estrada Bautista Cortés Soto Alvarado Espinoza Lara Ávila Ríos Cabrera Orellana Escobar "
    "Mejía Zelaya Barahona Ávalos Quintanilla Cáceres Solórzano Figueroa Portillo Argueta "
    "Funes Villatoro Girón Coc Chub Tzoc Xol Caal Pop Ixcoy"
)
HAITIAN_GIVEN = _words(
    "Jean Pierre Marie Joseph Louis Jacques François Baptiste Joséphine Mathilde Rose André "
    "Luc Pauline Hélène Thomas Antoine Sylvain Julien Wilner Jocelyne Fabiola Nadège Ricardo "
    "Widlin Junior Roodly Esther Guerline Mackenson Daphney Stevenson Nathalie Evens Chrisla"
)
HAITIAN_SURNAMES = _words(
    "Pierre Joseph Jean Louis Charles Baptiste Desir Augustin Étienne François Michel "
    "Saint-Fleur Dorval Jean-Louis Petit-Frère Noël Alexis Célestin Exantus Casséus Fils-Aimé "
    "Toussaint Lafontant Mompremier Dorélien Jeune Pierre-Louis Vilsaint Bélizaire Chéry "
    "Désir Édouard Fleurant Guerrier Hyppolite Innocent Jules Lamour Maxi Nelson Octave Paul "
    "Rémy"
)
FRENCH_TO_CREOLE = {french: creole for creole, french in CREOLE_TO_FRENCH.items()}
NATIONALITIES = (  # share of the register (an assumption shaped on the corridor's flows)
    ("HN", 0.22), ("GT", 0.20), ("SV", 0.10), ("NI", 0.06), ("MX", 0.08),
    ("VE", 0.14), ("CU", 0.06), ("HT", 0.14),
)  # fmt: skip
# The desk's errors on a second registration (each an assumption).
TYPO, DROP_SECOND_SURNAME, DROP_SECOND_GIVEN, SWAP_SURNAMES = 0.20, 0.30, 0.20, 0.05
CREOLE_SPELLING, SWAP_DAY_MONTH, WRONG_DATE_PART = 0.30, 0.10, 0.05
NO_PASSPORT_AGAIN, PASSPORT_TYPO, NO_NATIONALITY, ALONE = 0.30, 0.05, 0.05, 0.30


@dataclass(frozen=True, slots=True)
class Written:
    """A person as a desk wrote them down."""

    given: str
    first: str
    second: str
    born: date
    nationality: str | None
    passport: str | None


def _zipf_choice(rng: random.Random, names: list[str]) -> str:
    # A few surnames are very common (García, Pierre), most are rare: Zipf's law with s = 0.8
    # puts about one person in ten under the commonest surname of each list.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(names))]
    return rng.choices(names, weights)[0]


def _household(rng: random.Random, counter: Iterator[int]) -> list[Written]:
    nationality = rng.choices(*zip(*NATIONALITIES, strict=True))[0]
    haitian = nationality == "HT"
    given, surnames = (
        (HAITIAN_GIVEN, HAITIAN_SURNAMES) if haitian else (SPANISH_GIVEN, SPANISH_SURNAMES)
    )
    size = rng.choices((1, 2, 3, 4, 5, 6), (0.30, 0.20, 0.20, 0.15, 0.10, 0.05))[0]
    father = (_zipf_choice(rng, surnames), "" if haitian else _zipf_choice(rng, surnames))
    mother = (_zipf_choice(rng, surnames), "" if haitian else _zipf_choice(rng, surnames))
    members = []
    for index in range(size):
        adult = index < 2
        age = rng.randint(18, 60) if adult else rng.randint(0, 17)
        born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        names = " ".join(rng.sample(given, rng.choice((1, 1, 2))))
        first, second = (
            (mother if index == 1 else father)[0],
            ("" if haitian else (mother if index == 1 else (father[0], mother[0]))[1]),
        )
        if index >= 2 and not haitian:
            second = mother[0]
        passport = (
            f"{nationality}{next(counter):08d}" if rng.random() < (0.8 if adult else 0.4) else None
        )
        members.append(Written(names, first, second, born, nationality, passport))
    return members


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("substitute", "delete", "transpose", "double"))
    if kind == "substitute":
        return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "transpose":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _creole(name: str) -> str:
    words = name.lower().split()
    return " ".join(FRENCH_TO_CREOLE.get(w.replace("é", "e").replace("ç", "c"), w) for w in words)


def _again(rng: random.Random, w: Written) -> Written:
    given, first, second, born = w.given, w.first, w.second, w.born
    if rng.random() < DROP_SECOND_GIVEN and " " in given:
        given = given.split()[0]
    if w.nationality == "HT" and rng.random() < CREOLE_SPELLING:
        given, first = _creole(given), _creole(first)
    if rng.random() < TYPO:
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            first = _typo(rng, first)
    if second and rng.random() < DROP_SECOND_SURNAME:
        second = ""
    elif second and rng.random() < SWAP_SURNAMES:
        first, second = second, first
    if rng.random() < SWAP_DAY_MONTH and born.day <= 12 and born.day != born.month:
        born = date(born.year, born.day, born.month)
    elif rng.random() < WRONG_DATE_PART:
        born = born.replace(year=born.year + rng.choice((-1, 1)), day=min(born.day, 28))
    passport = w.passport
    if passport and rng.random() < NO_PASSPORT_AGAIN:
        passport = None
    elif passport and rng.random() < PASSPORT_TYPO:
        passport = passport[:-1] + str((int(passport[-1]) + 1) % 10)
    nationality = None if rng.random() < NO_NATIONALITY else w.nationality
    return Written(given, first, second, born, nationality, passport)


def _record(person_id: str, w: Written, family: list[Written]) -> PersonRecord:
    return PersonRecord.of(
        person_id,
        given_names=w.given,
        first_surname=w.first,
        second_surname=w.second,
        birth_date=w.born,
        nationality=w.nationality,
        documents=(w.passport,) if w.passport else (),
        household=tuple((f.given, f.born) for f in family if f is not w),
    )


def synthetic_register(
    persons: int, duplicate_rate: float, seed: int
) -> tuple[list[PersonRecord], set[frozenset[str]]]:
    """Records (originals and second registrations, shuffled) and the true duplicate pairs."""
    rng = random.Random(seed)
    counter = iter(range(10**7, 10**8))
    records: list[PersonRecord] = []
    truth: set[frozenset[str]] = set()
    while len(records) < persons:
        family = _household(rng, counter)
        for index, member in enumerate(family):
            records.append(_record(f"p{len(records)}", member, family))
            if rng.random() < duplicate_rate:
                again = _again(rng, member)
                company = (
                    [] if rng.random() < ALONE else [*family[:index], again, *family[index + 1 :]]
                )
                dup = _record(f"d{len(truth)}", again, company)
                records.append(dup)
                truth.add(frozenset((records[-2].person_id, dup.person_id)))
    rng.shuffle(records)
    return records, truth


def build_index(records: list[PersonRecord]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for position, record in enumerate(records):
        for key in blocking_keys(record):
            index[key].append(position)
    return index


def batch(
    records: list[PersonRecord], index: dict[str, list[int]], model: Model
) -> dict[str, object]:
    started = time.perf_counter()
    pairs: set[tuple[int, int]] = set()
    for members in index.values():
        pairs.update(combinations(members, 2))
    paired = time.perf_counter() - started
    started = time.perf_counter()
    scored = {
        frozenset((records[a].person_id, records[b].person_id)): model.score(
            records[a], records[b]
        ).probability
        for a, b in pairs
    }
    return {
        "pairs": len(pairs),
        "pairs_seconds": paired,
        "seconds": time.perf_counter() - started,
        "scored": scored,
    }


def quality(
    scored: dict[frozenset[str], float], truth: set[frozenset[str]], threshold: float
) -> tuple[float, float]:
    predicted = {pair for pair, p in scored.items() if p >= threshold}
    hits = len(predicted & truth)
    return (hits / len(predicted) if predicted else 1.0, hits / len(truth) if truth else 1.0)


def screen_one(
    records: list[PersonRecord],
    index: dict[str, list[int]],
    model: Model,
    queries: list[PersonRecord],
) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        candidates = {i for key in blocking_keys(query) for i in index.get(key, ())}
        model.matches(query, [records[i] for i in candidates])
        times.append(time.perf_counter() - started)
    return times


def empty_register(prefix: str) -> tuple[Platform, User, Path]:
    """A platform on a new SQLite database in a temporary folder, with one INM officer."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{folder / 'register.db'}"
    upgrade(url)
    p = Platform.build(Settings(database_url=url, audit_checkpoint_dir=folder / "checkpoints"))
    with p.db.transaction() as s:
        officer = add_user(
            s,
            UserIn(username="bench", password="x" * 12, role=Role.INM_OFFICER, agency=Agency.INM),
        )
    return p, officer, folder


def discard(p: Platform, folder: Path) -> None:
    """Close the register's database and delete its folder."""
    p.db.dispose()
    shutil.rmtree(folder)


def platform_screen(records: list[PersonRecord], queries: list[PersonRecord]) -> dict[str, float]:
    """Screening inside the platform: the register written to a SQLite database as the platform
    keeps it (each person sealed under a data key of their own, itself sealed under the master
    key; each blocking key an HMAC in person_match_keys; one case per
    person: no household), then `identity.register.possible_duplicates` per registration, each
    in its own unit of work, as the registration use case calls it."""
    p, officer, folder = empty_register("dedupe-")
    started = time.perf_counter()
    created = datetime(2026, 1, 1, tzinfo=UTC)
    digest = p.lookup.digest
    for start in range(0, len(records), 20_000):
        batch_of = records[start : start + 20_000]
        with p.db.transaction() as s:
            keys = data_keys(s, p.cipher)

            def seal(value: str, column: str, person_id: str, keys: DataKeys = keys) -> str:
                return keys.seal([person_id], value, column)

            s.execute(
                sa.text(
                    "INSERT INTO cases (id, kind, pathway_id, state, created_by, facts, "
                    "created_at, updated_at, version) VALUES (:id, 'corridor', 'mx-us-joint-"
                    "corridor', 'registered', :by, '{}', :at, :at, 1)"
                ),
                [{"id": f"c-{r.person_id}", "by": officer.id, "at": created} for r in batch_of],
            )
            s.execute(
                sa.text(
                    "INSERT INTO persons (id, case_id, position, relation, nationality, name_enc, "
                    "birth_date_enc, document_number_enc, document_hash, name_parts_enc) VALUES "
                    "(:id, :case, 0, 'self', :nat, :name, :born, :doc, :hash, :parts)"
                ),
                [
                    {
                        "id": r.person_id,
                        "case": f"c-{r.person_id}",
                        "nat": r.nationality or "XX",
                        "name": seal(
                            " ".join(r.given_names + r.first_surname), "persons.name", r.person_id
                        ),
                        "born": seal(
                            (r.birth_date or date(1990, 1, 1)).isoformat(),
                            "persons.birth_date",
                            r.person_id,
                        ),
                        "doc": seal(min(r.documents), "persons.document_number", r.person_id)
                        if r.documents
                        else None,
                        "hash": digest(min(r.documents)) if r.documents else None,
                        "parts": seal(
                            json.dumps(
                                [
                                    " ".join(r.given_names),
                                    " ".join(r.first_surname),
                                    " ".join(r.second_surname),
                                ]
                            ),
                            "persons.name_parts",
                            r.person_id,
                        ),
                    }
                    for r in batch_of
                ],
            )
            s.execute(
                sa.text("INSERT INTO person_match_keys (person_id, key) VALUES (:person, :key)"),
                [
                    {"person": r.person_id, "key": digest(key)}
                    for r in batch_of
                    for key in blocking_keys(r)
                ],
            )
    written = time.perf_counter() - started
    times = []
    for query in queries:
        started = time.perf_counter()
        with unit_of_work(p) as s:
            register.possible_duplicates(p, s, [query], outside_case="-")
        times.append(time.perf_counter() - started)
    times.sort()
    discard(p, folder)
    return {
        "write_seconds": written,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
    }


def registration_rate(persons: int, seed: int) -> dict[str, float]:
    """The real path, for scale: `persons` (in households) registered one household at a time
    through `registration.register_household` into an empty SQLite register, as an INM desk
    does: what a register built this way would cost per person."""
    p, user, folder = empty_register("dedupe-real-")
    who = Principal(user.id, "bench", Role.INM_OFFICER, Agency.INM)

    def person(w: Written) -> dict[str, object]:
        return {
            "name": " ".join(x for x in (w.given, w.first, w.second) if x),
            "given_names": w.given,
            "first_surname": w.first,
            "second_surname": w.second or None,
            "birth_date": w.born,
            "nationality": w.nationality,
            "document_number": w.passport,
        }

    rng = random.Random(seed)
    counter = iter(range(10**7, 10**8))
    done = 0
    started = time.perf_counter()
    while done < persons:
        family = _household(rng, counter)
        body = HouseholdIn(
            border_point_id="mx-chp-ciudad-hidalgo",
            ground="tvrh.ground.asylum-seeker",
            principal=PersonIn.model_validate(person(family[0])),
            members=[
                MemberIn.model_validate({**person(w), "relation": "child"}) for w in family[1:]
            ],
            documents=["passport"],
        )
        with unit_of_work(p) as s:
            registration.register_household(p, who, body).run(s)
        done += len(family)
    seconds = time.perf_counter() - started
    discard(p, folder)
    return {"persons": done, "seconds": seconds, "ms_per_person": seconds / done * 1000}


def _share_a_key(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a & b)


def _peak_mib() -> float:
    # ru_maxrss is in KiB on Linux: the process's peak resident memory so far
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _progress(step: str) -> None:
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"  {datetime.now(UTC):%H:%M:%S} {step} (peak {_peak_mib():,.0f} MiB, load {load})",
        flush=True,
    )


def run(persons: int, duplicate_rate: float, seed: int, in_platform: bool) -> dict[str, object]:
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    records, truth = synthetic_register(persons, duplicate_rate, seed)
    built = time.perf_counter() - t0
    _progress(f"register built in {built:.0f} s")
    t0 = time.perf_counter()
    index = build_index(records)
    indexed = time.perf_counter() - t0
    _progress(f"indexed in {indexed:.0f} s")
    model = DEFAULT_MODEL.with_u(estimate_u(records, random.Random(seed), pairs=200_000))
    model = model.for_register(len(records))  # the prior the platform uses at this size
    by_id = {r.person_id: i for i, r in enumerate(records)}
    keys = [blocking_keys(record) for record in records]
    blocked = sum(1 for pair in truth if _share_a_key(*(keys[by_id[p]] for p in pair)))
    _progress("u estimated, blocking recall counted")
    result = batch(records, index, model)
    scored = result.pop("scored")
    assert isinstance(scored, dict)
    _progress(f"batch: {result['pairs']:,} pairs scored in {result['seconds']:.0f} s")
    rng = random.Random(seed + 1)
    fresh, _ = synthetic_register(500, 1.0, seed + 2)  # new people and their second registrations
    queries = rng.sample(fresh, 250) + [
        PersonRecord.of(
            f"q{i}",
            given_names=" ".join(r.given_names),
            first_surname=" ".join(r.first_surname),
            second_surname=" ".join(r.second_surname),
            birth_date=r.birth_date,
            nationality=r.nationality,
            documents=tuple(r.documents),
        )
        for i, r in enumerate(rng.sample(records, 250))
    ]
    times = sorted(screen_one(records, index, model, queries))
    quality_at = {t: quality(scored, truth, t) for t in (0.5, 0.9, 0.99)}
    del scored
    memory_peak = _peak_mib()
    _progress(
        f"in memory: screen one median {statistics.median(times) * 1000:.2f} ms, "
        f"quality {quality_at}"
    )
    platform_figures = platform_screen(records, queries) if in_platform else None
    if platform_figures is not None:
        _progress(f"platform: {platform_figures}")
    return {
        "platform": platform_figures,
        "memory_peak_mib": memory_peak,
        "peak_mib": _peak_mib(),
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "persons": len(records),
        "true_pairs": len(truth),
        "build_seconds": built,
        "index_seconds": indexed,
        "blocking_recall": blocked / len(truth),
        **result,
        "quality": quality_at,
        "screen_median_ms": statistics.median(times) * 1000,
        "screen_p95_ms": times[int(len(times) * 0.95)] * 1000,
    }


def report(
    results: list[dict[str, object]],
    load: tuple[tuple[float, ...], tuple[float, ...]],
    command: str,
) -> str:
    lines = [
        "# Person de-duplication: the batch scan and screening one registration",
        "",
        f"Command: `{command}`",
        "",
        "Synthetic register (benchmarks/dedupe.py: error rates and the model's m values are "
        "assumptions; u values measured on each register from 200,000 random pairs). Threshold "
        f"{DEFAULT_MODEL.threshold} is the platform's.",
        "",
        "| persons | true duplicate pairs | blocking recall | pairs scored | batch scoring s | precision @0.5 | recall @0.5 | precision @0.9 | recall @0.9 | precision @0.99 | recall @0.99 | screen one: median ms | p95 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        q = r["quality"]
        assert isinstance(q, dict)
        lines.append(
            f"| {r['persons']:,} | {r['true_pairs']:,} | {r['blocking_recall']:.3f} | {r['pairs']:,} | "
            f"{r['seconds']:.1f} | {q[0.5][0]:.3f} | {q[0.5][1]:.3f} | {q[0.9][0]:.3f} | {q[0.9][1]:.3f} | "
            f"{q[0.99][0]:.3f} | {q[0.99][1]:.3f} | {r['screen_median_ms']:.2f} | {r['screen_p95_ms']:.2f} |"
        )
    lines += [
        "",
        "Screening one registration inside the platform (SQLite register, one case per person, "
        "blocking keys as HMACs, candidates decrypted; `identity.register.possible_duplicates` in "
        "its own unit of work, 500 registrations):",
        "",
        "| persons | median ms | p95 ms | target | writing the register, s (untimed) |",
        "|---:|---:|---:|---|---:|",
    ]
    for r in results:
        f = r["platform"]
        if isinstance(f, dict):
            lines.append(
                f"| {r['persons']:,} | {f['median_ms']:.1f} | {f['p95_ms']:.1f} | < 200 ms: "
                f"{'met' if f['p95_ms'] < 200 else 'not met'} | {f['write_seconds']:.0f} |"
            )
    lines += [
        "",
        "Untimed set-up per size (seconds): "
        + "; ".join(
            f"{r['persons']:,}: register {r['build_seconds']:.0f}, index {r['index_seconds']:.0f}, "
            f"pairs {r['pairs_seconds']:.0f}"
            for r in results
        ),
        "",
        "Peak resident memory (MiB; in memory / with the SQLite step) and load (1/5/15 min) per "
        "size: "
        + "; ".join(
            f"{r['persons']:,}: {r['memory_peak_mib']:,.0f} / {r['peak_mib']:,.0f} MiB, load "
            f"{'/'.join(f'{x:.2f}' for x in r['load_before'])} before, "
            f"{'/'.join(f'{x:.2f}' for x in r['load_after'])} after"
            for r in results
        ),
        "",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; machine load "
        f"(1/5/15 min) {'/'.join(f'{x:.2f}' for x in load[0])} before, "
        f"{'/'.join(f'{x:.2f}' for x in load[1])} after; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write", action="store_true", help=f"write the report to {RESULTS}")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this JSON file")
    parser.add_argument(
        "--memory-only", action="store_true", help="skip screening inside the platform (SQLite)"
    )
    parser.add_argument(
        "--registration-rate",
        type=int,
        metavar="PERSONS",
        help="only time this many persons registered through the real registration use case",
    )
    args = parser.parse_args()
    if args.registration_rate:
        load = os.getloadavg()
        print(registration_rate(args.registration_rate, args.seed), "load", load, os.getloadavg())
        return
    before = os.getloadavg()
    results = []
    for size in args.persons:
        print(f"register of {size:,} persons...", flush=True)
        results.append(run(size, args.duplicates, args.seed, not args.memory_only))
        print(
            {k: v for k, v in results[-1].items() if k != "quality"},
            results[-1]["quality"],
            flush=True,
        )
    text = report(
        results,
        (before, os.getloadavg()),
        "python benchmarks/dedupe.py "
        + " ".join(
            [
                "--persons",
                *map(str, args.persons),
                "--duplicates",
                str(args.duplicates),
                "--seed",
                str(args.seed),
            ]
        ),
    )
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, default=str, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
