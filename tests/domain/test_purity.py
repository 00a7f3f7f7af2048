"""The domain stays pure: no framework import, so rules can be read and tested alone."""

import ast
from pathlib import Path

import corredor

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
SRC = Path(corredor.__file__).parent
# the shared domain and every feature's domain
DOMAINS = [SRC / "domain", *sorted(SRC.glob("*/domain"))]


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
        str(path.relative_to(SRC)): sorted(imported_roots(path.read_text()) & FRAMEWORKS)
        for domain in DOMAINS
        for path in domain.rglob("*.py")
    }
    assert {file: found for file, found in offenders.items() if found} == {}
    assert len(offenders) >= 5  # the walk really found the domain modules
    assert "screening/domain/rules.py" in offenders


def test_the_check_catches_a_framework_import() -> None:
    assert imported_roots(
        "import polars as pl\nfrom sqlalchemy.orm import Session\n"
    ) & FRAMEWORKS == {"polars", "sqlalchemy"}
