"""`corredor policy check` on files that are not what they claim: a binary file, a date that does
not exist, a directory named like a policy, a predicate nested hundreds deep, and mutated copies
of a real policy. Each is a problem naming the file (and the field where there is one), never a
traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from corredor.cli.main import app as cli
from corredor.screening.domain.problems import PolicyFileError
from corredor.screening.policy_files import MAX_NESTING, default_policy_dir
from corredor.screening.use_cases.policies import check_policies

TVRH = default_policy_dir() / "mx-tvrh" / "2011-05-25.yaml"
TEXT = TVRH.read_text(encoding="utf-8")
LABEL = "label: {en: a, es: a, ht: a, fr: a, pt: a}"


def policy_dir(root: Path, text: str | bytes, name: str = "2011-05-25.yaml") -> Path:
    folder = root / "mx-tvrh"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return root


def checked(root: Path) -> tuple[int, str]:
    answer = CliRunner().invoke(cli, ["policy", "check", "--policies", str(root)])
    assert "Traceback" not in answer.output
    assert answer.exception is None or isinstance(answer.exception, SystemExit)
    return answer.exit_code, answer.output


def test_a_binary_file_is_named_as_not_text(tmp_path: Path) -> None:
    code, output = checked(policy_dir(tmp_path, bytes(range(256)) * 4))
    assert code == 2  # policy check's exit code for invalid files
    assert "mx-tvrh/2011-05-25.yaml: not UTF-8 text" in output


def test_a_day_that_does_not_exist_names_the_field(tmp_path: Path) -> None:
    text = TEXT.replace("effective_from: 2011-05-25", "effective_from: 2011-02-30")
    assert text != TEXT
    code, output = checked(policy_dir(tmp_path, text))
    assert code == 2  # policy check's exit code for invalid files
    assert "effective_from: 2011-02-30 is not a date" in output


def test_a_directory_named_like_a_policy_is_reported(tmp_path: Path) -> None:
    policy_dir(tmp_path, TEXT)
    (tmp_path / "mx-tvrh" / "x.yaml").mkdir()
    code, output = checked(tmp_path)
    assert code == 2  # policy check's exit code for invalid files
    assert "mx-tvrh/x.yaml: cannot be read" in output


def test_a_predicate_nested_hundreds_deep_is_refused_by_depth(tmp_path: Path) -> None:
    deep = "{id: leaf, fact: nationality, not_in: [MX], " + LABEL + "}"
    for level in range(450):  # 900 levels of YAML nesting: every clause is a mapping in a list
        deep = f"{{id: d{level}, {LABEL}, all: [{deep}]}}"
    text = TEXT.replace("eligibility:\n  all:\n", f"eligibility:\n  all:\n    - {deep}\n", 1)
    code, output = checked(policy_dir(tmp_path, text))
    assert code == 2  # policy check's exit code for invalid files
    assert f"nested more than {MAX_NESTING} levels deep" in output


MUTATIONS = st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "truncate"])
NOISE = st.sampled_from(
    [
        ":",
        "-",
        "[",
        "{",
        "}",
        "]",
        "'",
        '"',
        "\t",
        "&a",
        "*a",
        "!!binary",
        "2011-13-45",
        "\x00",
        "é",
        "\\",
        "%",
        "?",
        "|",
        ">",
        "  ",
        "\n",
    ]
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = TEXT.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(lines) - 1))
        kind = draw(MUTATIONS)
        if kind == "delete":
            del lines[where]
        elif kind == "duplicate":
            lines.insert(where, lines[where])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[where], lines[other] = lines[other], lines[where]
        elif kind == "replace" and lines[where]:
            at = draw(st.integers(0, len(lines[where]) - 1))
            lines[where] = lines[where][:at] + draw(NOISE) + lines[where][at + 1 :]
        elif kind == "insert":
            lines.insert(where, draw(NOISE) + lines[where])
        elif kind == "truncate":
            lines = lines[: where + 1]
        if not lines:
            lines = [""]
    return "\n".join(lines)


def test_a_mutated_policy_is_either_valid_or_a_list_of_problems() -> None:
    outcomes: list[str] = []

    @settings(
        max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(text=mutated())
    def check(text: str) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            root = policy_dir(Path(scratch), text)
            problems: list[str] = []
            try:
                check_policies(root)
            except PolicyFileError as error:
                problems = [str(problem) for problem in error.problems] or ["(none listed)"]
        assert all(problem.startswith("mx-tvrh/") for problem in problems), problems
        outcomes.append("refused" if problems else "valid")

    check()
    assert len(outcomes) >= 100
    assert outcomes.count("refused") >= len(outcomes) // 4  # the mutations really break files
