"""The open data validates as its readers will check it: every CSV as HXL (libhxl, against a
schema of the portal's hashtags) and the whole publication as a Frictionless Data Package."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import hxl

from corredor.platform import Platform
from corredor.portal import use_cases
from corredor.portal.domain.indicators import Period

SCHEMA = hxl.schema(
    [
        ["#valid_tag", "#valid_required", "#valid_datatype"],
        ["#date", "", "date"],
        ["#affected+num", "", "number"],
        ["#output+num", "", "number"],
    ]
)


def published(platform: Platform, directory: Path) -> dict[str, object]:
    use_cases.export(platform, directory, Period.MONTH)
    descriptor: dict[str, object] = json.loads((directory / "datapackage.json").read_text())
    return descriptor


def test_every_csv_is_valid_hxl_with_the_declared_hashtags(
    portal_platform: Platform, tmp_path: Path
) -> None:
    descriptor = published(portal_platform, tmp_path)
    resources = descriptor["resources"]
    assert isinstance(resources, list)
    for resource in resources:
        options = hxl.InputOptions(allow_local=True)
        data = hxl.data(str(tmp_path / resource["path"]), options).cache()
        assert data.display_tags == [f["hxl"] for f in resource["schema"]["fields"]]
        assert SCHEMA.validate(data), resource["path"]
        if resource["name"] != "step-durations":  # places are ISO 3166 codes
            assert "#country+code" in data.display_tags
        assert len(list(data)) > 0
    # the schema can fail: a count that is not a number
    wrong = hxl.data([["#date+start", "#affected+waiting+num"], ["2026-11-01", "doce"]])
    assert not SCHEMA.validate(wrong)


def test_the_data_package_validates_with_frictionless(
    portal_platform: Platform, tmp_path: Path
) -> None:
    published(portal_platform, tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:5]
    # and it can fail: a hidden cell written as a number of the wrong type
    path = tmp_path / "waiting-in-shelters.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 2)[0] + ",doce,"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not frictionless.validate(str(tmp_path / "datapackage.json")).valid
