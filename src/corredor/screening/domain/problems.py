"""What is wrong with a policy file, a profile or a table of profiles: each problem names the
file and the field, and says what was expected."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.field}: {self.message}"
            if self.field
            else f"{self.file}: {self.message}"
        )


class PolicyFileError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def field_path(location: tuple[int | str, ...]) -> str:
    """Pydantic's error location as a dotted path, without its union tags."""
    shown: list[str] = []
    for index, part in enumerate(location):
        following = location[index + 1] if index + 1 < len(location) else None
        # predicate unions add a tag ("clause", or "all" before the field "all"): drop it
        if part == "clause" or (part in ("all", "any", "not") and following == part):
            continue
        if isinstance(part, int):
            shown.append(f"[{part}]")
        else:
            shown.append(str(part))
    return ".".join(shown).replace(".[", "[")


def problems_of(error: ValidationError, file: str) -> list[Problem]:
    return [
        Problem(file=file, field=field_path(tuple(detail["loc"])), message=detail["msg"])
        for detail in error.errors()
    ]


@dataclass
class TableError(ValueError):
    file: str
    column: str
    message: str
    row: int | None = None  # 1-based data row

    def __str__(self) -> str:
        where = f", row {self.row}" if self.row is not None else ""
        return f"{self.file}: column {self.column!r}{where}: {self.message}"
