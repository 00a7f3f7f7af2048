"""The domain stays pure: no framework import, so rules can be read and tested alone."""

import ast
from pathlib import Path

import corredor.domain

FRAMEWORKS = {
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "typer",
    "click",
    "rich",
    "polars",
    "numpy",
    "pandas",
    "httpx",
    "requests",
    "jinja2",
    "dask",
    "matplotlib",
}
DOMAIN = Path(corredor.domain.__file__).parent


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_domain_imports_no_framework() -> None:
    offenders = {
        str(path.relative_to(DOMAIN)): sorted(imported_roots(path.read_text()) & FRAMEWORKS)
        for path in DOMAIN.rglob("*.py")
    }
    assert {file: found for file, found in offenders.items() if found} == {}
    assert len(offenders) >= 5  # the walk really found the domain modules


def test_the_check_catches_a_framework_import() -> None:
    assert imported_roots(
        "import polars as pl\nfrom sqlalchemy.orm import Session\n"
    ) & FRAMEWORKS == {"polars", "sqlalchemy"}
