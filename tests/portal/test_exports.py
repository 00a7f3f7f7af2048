"""Open data: `corredor stats export DIR` and the API's files hold the portal's tables as CSV
with an HXL hashtag row, JSON and Parquet, and a Data Package descriptor defining each field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.platform import Platform
from corredor.portal import use_cases
from corredor.portal.domain.indicators import INDICATORS, Period
from corredor.portal.tables import PublishedFigures

TABLES = [indicator.id for indicator in INDICATORS] + ["step-durations"]


def test_every_table_is_written_in_three_forms_with_a_descriptor(
    portal_platform: Platform, tmp_path: Path
) -> None:
    written = use_cases.export(portal_platform, tmp_path, Period.WEEK)
    names = {path.name for path in written}
    assert names == {f"{t}.{form}" for t in TABLES for form in ("csv", "json", "parquet")} | {
        "datapackage.json"
    }
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [f"{t}.csv" for t in TABLES]
    for resource in package["resources"]:
        rows = list(csv.reader(io.StringIO((tmp_path / resource["path"]).read_text("utf-8"))))
        fields = resource["schema"]["fields"]
        assert rows[0] == [f["name"] for f in fields]
        assert rows[1] == [f["hxl"] for f in fields]
        assert all(tag.startswith("#") for tag in rows[1])
        assert all(f["description"] for f in fields)


def test_the_three_forms_hold_the_same_protected_numbers(
    portal_platform: Platform, tmp_path: Path
) -> None:
    use_cases.export(portal_platform, tmp_path)
    waiting = next(
        t for t in use_cases.statistics(portal_platform).tables if t.id == "waiting-in-shelters"
    )
    expected = {
        (row.key, series): value
        for row in waiting.rows
        for series, value in [*zip(waiting.series, row.values, strict=True), ("total", row.total)]
    }
    rows = list(csv.DictReader(io.StringIO((tmp_path / "waiting-in-shelters.csv").read_text())))
    data = rows[1:]  # under the HXL row
    from_csv = {(r["date"], r["series"]): int(r["value"]) if r["value"] else None for r in data}
    assert from_csv == expected
    assert {r["note"] for r in data if not r["value"]} == {"fewer than 10"}
    assert all(r["country"] == "MX" for r in data)
    from_json = json.loads((tmp_path / "waiting-in-shelters.json").read_text())
    assert {(r["date"], r["series"]): r["value"] for r in from_json} == expected
    frame = pl.read_parquet(tmp_path / "waiting-in-shelters.parquet")
    assert frame.schema["date"] == pl.Date
    assert {
        (d.isoformat(), s): v for d, s, v in frame.select("date", "series", "value").iter_rows()
    } == expected


def test_the_command_writes_the_files(
    portal_platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORREDOR_DATABASE_URL", portal_platform.settings.database_url)
    done = CliRunner().invoke(cli, ["stats", "export", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    assert f"wrote {3 * len(TABLES) + 1} files" in done.output
    assert (tmp_path / "out" / "datapackage.json").exists()


def test_the_api_serves_each_file_publicly(portal_platform: Platform) -> None:
    client = TestClient(create_app(platform=portal_platform))
    answer = client.get("/api/v1/stats/files/waiting-in-shelters.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text.splitlines()[1].startswith("#date+start,#country+code,#loc+zone")
    package = client.get("/api/v1/stats/files/datapackage.json", params={"period": "week"})
    assert package.json()["name"] == "corredor-monitoring-week"
    assert client.get("/api/v1/stats/files/no-such-table.csv").status_code == 404
    assert client.get("/api/v1/stats/files/..%2Fsecret.csv").status_code in (404, 422)


def test_the_refresh_command_computes_and_keeps_both_periods(
    portal_platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORREDOR_DATABASE_URL", portal_platform.settings.database_url)
    done = CliRunner().invoke(cli, ["stats", "refresh"])
    assert done.exit_code == 0, done.output
    assert "month: computed at" in done.output
    assert "week: computed at" in done.output
    with portal_platform.db.transaction() as s:
        kept = s.execute(select(PublishedFigures.period)).scalars().all()
    assert sorted(kept) == ["month", "week"]
