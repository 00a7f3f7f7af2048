"""`corredor screen`, `screen-bulk` and `policy check` from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from corredor.cli.main import app
from corredor.screening.cli import EXAMPLES_DIR

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_screen_prints_json_results() -> None:
    code, out, _ = run(
        "screen",
        str(EXAMPLES_DIR / "venezuelan-crossed-panama-2023.json"),
        "--as-of",
        "2024-03-01",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["as_of"] == "2024-03-01"
    chnv = next(r for r in payload["results"] if r["pathway"] == "us-chnv-parole")
    assert chnv["outcome"] == "not_eligible"
    assert chnv["missing_facts"] == []
    assert any(r["clause"] == "chnv.no-irregular-crossing.ve" for r in chnv["reasons"])
    assert {"pathway", "outcome", "reasons", "missing_facts"} <= set(chnv)


def test_screen_prints_a_table() -> None:
    code, out, _ = run(
        "screen", str(EXAMPLES_DIR / "haitian-family-chiapas.json"), "--as-of", "2026-11-23"
    )
    assert code == 0
    assert "mx-us-joint-corridor" in out
    assert "eligible" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"nationality": "Haiti"}', "nationality: Value error, expected an ISO 3166-1"),
        ('{"nationality": "HT",}', "not valid JSON (line 1, column 22)"),
        ('["HT"]', "expected a JSON object of facts"),
        (
            '{"household": [{"relation": "child", "birth_date": "2023-13-01"}]}',
            "household[0].birth_date",
        ),
    ],
)
def test_screen_names_the_bad_field(tmp_path: Path, content: str, expected: str) -> None:
    profile = tmp_path / "person.json"
    profile.write_text(content)
    code, _, err = run("screen", str(profile))
    assert code == 2
    assert str(profile) in err
    assert expected in err
    assert "Traceback" not in err


def test_screen_rejects_a_bad_date_option() -> None:
    code, _, err = run(
        "screen", str(EXAMPLES_DIR / "single-adult-chiapas.json"), "--as-of", "23/11/2026"
    )
    assert code == 2
    assert "--as-of: expected a date as YYYY-MM-DD" in err


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # ISO 3166-1: XX is not an assigned code; it is refused, never screened
        ({"nationality": "XX"}, "nationality: Value error, 'XX' is not an assigned ISO 3166-1"),
        ({"birth_date": "2030-01-01"}, "birth_date: 2030-01-01 is after the screening date"),
        (
            {"household": [{"relation": "child", "birth_date": "2027-01-01"}]},
            "household[0].birth_date: 2027-01-01 is after the screening date",
        ),
    ],
)
def test_screen_refuses_bad_input_naming_the_field(
    tmp_path: Path, facts: dict, expected: str
) -> None:
    profile = tmp_path / "person.json"
    profile.write_text(json.dumps(facts), encoding="utf-8")
    code, out, err = run("screen", str(profile), "--as-of", "2026-12-01", "--json")
    assert code == 2
    assert expected in " ".join(err.split()), err
    assert out == ""


def test_screen_of_a_missing_file() -> None:
    code, _, err = run("screen", "nowhere.json")
    assert code == 2
    assert "nowhere.json: no such file" in err


def test_policy_check_passes_on_the_shipped_catalogue() -> None:
    code, out, _ = run("policy", "check")
    assert code == 0
    assert "21 policy files are valid" in out
    assert "every date, cut-off and nationality list cites its source" in " ".join(out.split())


def test_policy_check_refuses_a_cutoff_without_a_source(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "policies" / "us-smo-colombia"
    copy = tmp_path / "us-smo-colombia"
    copy.mkdir()
    for path in shipped.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        unsourced = "\n".join(
            line
            for line in text.splitlines()
            if not line.startswith('      source: "Cancillería de Colombia (2023-06-14) and')
        )
        (copy / path.name).write_text(unsourced + "\n", encoding="utf-8")
    code, _, err = run("policy", "check", "--policies", str(tmp_path))
    assert code == 2
    assert "us-smo-colombia/2023-06-19.yaml: smo.arrival-cutoff: a cut-off date needs a source" in (
        " ".join(err.split())
    )


def test_policy_check_fails_naming_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "mx-tvrh" / "2011-05-25.yaml"
    bad.parent.mkdir()
    bad.write_text("id: mx-tvrh\nversion: '2011-05-25'\n")
    code, _, err = run("policy", "check", "--policies", str(tmp_path))
    assert code == 2
    assert "mx-tvrh/2011-05-25.yaml: titles: Field required" in err


def test_screen_bulk_csv_to_parquet(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "id,nationality,birth_date,current_country,current_region,criminal_history,household\n"
        'a,HT,1994-08-02,MX,MX-CHP,false,"[{""relation"": ""child"", ""birth_date"": ""2023-06-15""}]"\n'
        "b,HT,1994-08-02,MX,MX-CHP,false,[]\n"
        "c,,,,,,\n"
    )
    target = tmp_path / "out" / "outcomes.parquet"
    code, out, err = run("screen-bulk", str(source), str(target), "--as-of", "2026-11-23")
    assert code == 0, err
    result = pl.read_parquet(target)
    assert result["id"].to_list() == ["a", "b", "c"]
    assert result["mx-us-joint-corridor"].cast(pl.String).to_list() == [
        "eligible",
        "not_eligible",
        "unknown",
    ]
    assert "3 profiles" in out


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("id,nationalty", "a,HT", "column 'nationalty': not a fact"),
        (
            "id,criminal_history",
            "a,maybe",
            "column 'criminal_history', row 1: expected true or false, got 'maybe'",
        ),
        (
            "id,birth_date",
            "a,1990-02-30",
            "column 'birth_date', row 1: expected a date as YYYY-MM-DD",
        ),
        ("id,nationality", "a,Haiti", "column 'nationality', row 1: not an ISO code: 'Haiti'"),
        (
            "id,documents",
            'a,"[""pasport""]"',
            "column 'documents', row 1: unknown value in ['pasport']",
        ),
    ],
)
def test_screen_bulk_names_the_bad_column_and_row(
    tmp_path: Path, header: str, row: str, expected: str
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(f"{header}\n{row}\n")
    code, _, err = run("screen-bulk", str(source), str(tmp_path / "out.parquet"))
    assert code == 2
    assert expected in err, err
    assert not (tmp_path / "out.parquet").exists()


def test_screen_bulk_reads_parquet(tmp_path: Path) -> None:
    source = tmp_path / "people.parquet"
    pl.DataFrame(
        {
            "id": [1, 2],
            "nationality": ["VE", "GT"],
            "current_country": ["CO", "GT"],
            "unaccompanied_minor": [False, True],
            # the Colombia office served people in Colombia on or before 2023-06-11
            "in_country_since": [date(2023, 6, 11), date(2020, 1, 1)],
        }
    ).write_parquet(source)
    code, _, err = run(
        "screen-bulk", str(source), str(tmp_path / "out.parquet"), "--as-of", "2024-06-01"
    )
    assert code == 0, err
    result = pl.read_parquet(tmp_path / "out.parquet")
    assert result["us-smo-colombia"].cast(pl.String).to_list() == ["eligible", "not_eligible"]
    assert result["us-smo-guatemala"].cast(pl.String).to_list() == ["not_eligible", "not_eligible"]


def test_screen_demo_explains_every_example() -> None:
    code, out, _ = run("screen-demo", "--as-of", "2026-11-23")
    assert code == 0
    assert out.count("mx-us-joint-corridor") == len(list(EXAMPLES_DIR.glob("*.json")))


def test_screen_bulk_refuses_a_date_after_the_screening_date(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("id,nationality,birth_date\na,HT,1990-01-01\nb,HT,2030-01-01\n")
    code, _, err = run(
        "screen-bulk", str(source), str(tmp_path / "out.parquet"), "--as-of", "2026-12-01"
    )
    assert code == 2
    assert "birth_date" in err
    assert "row 2" in err
    assert "after the screening date 2026-12-01" in " ".join(err.split())
    assert not (tmp_path / "out.parquet").exists()


def test_screen_bulk_refuses_an_unassigned_country_code(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("id,nationality\na,XX\n")
    code, _, err = run("screen-bulk", str(source), str(tmp_path / "out.parquet"))
    assert code == 2
    assert "not an assigned ISO 3166-1 code: 'XX'" in err
