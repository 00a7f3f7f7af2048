"""Policy files: a malformed one is refused naming the file, the field and what was expected."""

from pathlib import Path

import pytest
import yaml

from corredor.screening.domain.problems import PolicyFileError
from corredor.screening.policy_files import default_policy_dir, load_catalogue

TVRH = default_policy_dir() / "mx-tvrh" / "2011-05-25.yaml"


def write(root: Path, pathway: str, version: str, data: dict | str) -> Path:
    path = root / pathway / f"{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True))
    return path


def tvrh() -> dict:
    return yaml.safe_load(TVRH.read_text())


def problems(root: Path) -> list[str]:
    with pytest.raises(PolicyFileError) as raised:
        load_catalogue(root)
    return [str(problem) for problem in raised.value.problems]


def test_a_valid_copy_loads(tmp_path: Path) -> None:
    write(tmp_path, "mx-tvrh", "2011-05-25", tvrh())
    assert load_catalogue(tmp_path).pathway_ids() == ["mx-tvrh"]


def test_a_wrong_operator_names_the_clause_path(tmp_path: Path) -> None:
    data = tvrh()
    data["eligibility"]["all"][1]["any"][0] = {"fact": "seeking_asylum_in_mexico", "in": ["yes"]}
    write(tmp_path, "mx-tvrh", "2011-05-25", data)
    [problem] = problems(tmp_path)
    assert problem.startswith("mx-tvrh/2011-05-25.yaml: eligibility.all[1].any[0]")
    assert "operator 'in' does not apply" in problem


def test_missing_fields_and_bad_dates_are_all_reported(tmp_path: Path) -> None:
    data = tvrh()
    del data["legal_basis"]
    data["effective_from"] = "soon"
    write(tmp_path, "mx-tvrh", "2011-05-25", data)
    found = problems(tmp_path)
    assert any("legal_basis: Field required" in p for p in found)
    assert any("effective_from: Input should be a valid date" in p for p in found)


def test_a_missing_translation_is_refused(tmp_path: Path) -> None:
    data = tvrh()
    del data["titles"]["es"]
    write(tmp_path, "mx-tvrh", "2011-05-25", data)
    assert any("titles: Value error, missing text in es" in p for p in problems(tmp_path))


def test_the_file_name_must_match_the_version(tmp_path: Path) -> None:
    write(tmp_path, "mx-tvrh", "2012-01-01", tvrh())
    assert problems(tmp_path) == [
        "mx-tvrh/2012-01-01.yaml: version: expected '2012-01-01' (the file name)"
    ]


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "mx-tvrh", "2011-05-25", "id: mx-tvrh\ntitles: [unclosed\n")
    [problem] = problems(tmp_path)
    assert problem.startswith("mx-tvrh/2011-05-25.yaml: line ")
    assert "not valid YAML" in problem


def test_overlapping_versions_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "mx-tvrh", "2011-05-25", tvrh())
    later = tvrh() | {"version": "2020-01-01", "effective_from": "2020-01-01"}
    write(tmp_path, "mx-tvrh", "2020-01-01", later)
    [problem] = problems(tmp_path)
    assert "version 2011-05-25 is still in effect" in problem


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    assert problems(tmp_path) == [f"{tmp_path}: no policy files (expected ID/VERSION.yaml)"]
