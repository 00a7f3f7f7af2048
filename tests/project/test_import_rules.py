"""The rules of the feature packages (docs/architecture.md), checked on every module's imports,
including those inside functions:

1. every `domain` imports only the standard library, pydantic, pure libraries (PURE_LIBRARIES)
   and other features' `domain`;
2. API routes, pages and CLI commands of a feature reach its data only through its use cases
   and schemas: never a table, a store, a `Session` or a transaction of their own;
3. the kernel imports no feature; a feature's API imports no pages.

Features move into their packages one at a time; FEATURES lists those that have.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import corredor

SRC = Path(corredor.__file__).parent
FEATURES = (
    "documents",
    "screening",
    "accounts",
    "audit_trail",
    "cases",
    "sharing",
    "allocation",
    "shelters",
    "portal",
    "retention",
    "identity",
)
# what a feature's API, pages and CLI may import from their own feature (`reference`: the places
# read from data/, no table; `pages`: one page module borrowing another's view helpers)
FRONT_MAY_USE = (
    "use_cases",
    "schemas",
    "domain",
    "credentials",
    "verify_pages",
    "api",
    "reference",
    "pages",
)
FRONTS = ("api.py", "pages.py", "verify_pages.py", "cli.py", "pages/*.py", "pages/staff/*.py")
# the walk must find at least this many fronts (accounts has no CLI; the audit trail is an API)
MIN_FRONTS = {"accounts": 2, "audit_trail": 1, "retention": 2}


def imports_of(path: Path, *, for_type_checking: bool = True) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count); without
    the imports made for type checking only (`if TYPE_CHECKING:`) when `for_type_checking` is
    false."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if not for_type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
                node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


# What a feature publishes for the others, beside its use cases, domain and schemas: steps that
# commit inside the caller's unit of work (rule 4), and aggregates for the portal.
PUBLISHED = frozenset(
    {
        "accounts.users",  # an account's name, role or agency; the account a job acts as
        "allocation.statistics",
        "cases.records",  # a case inside the caller's transaction (issuing, sharing)
        "cases.reference",  # the places read from data/ (no table)
        "cases.statistics",
        "documents.issuance",  # issuing documents as a step of the case workflow
        "documents.statistics",
        "identity.register",  # matching a registration, one card per person (inside a case's step)
        "identity.portraits",  # the holders' photos for the cards (inside the issuing step)
        "sharing.disclosures",  # a case's disclosures, for its status
        "shelters.statistics",
        "screening.statistics",
        "screening.pages.questions",  # the fact questions other features' pages ask too
    }
)


def reaches_into(module: str, feature: str) -> str | None:
    """The other feature's module this import reaches into, if it is not one it publishes."""
    parts = module.split(".")
    if len(parts) < 3 or parts[0] != "corredor" or parts[1] not in FEATURES:
        return None
    other = parts[1]
    if other == feature or parts[2] in ("use_cases", "domain", "schemas"):
        return None
    named = ".".join(parts[1:4]) if parts[2] == "pages" else ".".join(parts[1:3])
    return None if named in PUBLISHED else module


@pytest.mark.parametrize("feature", FEATURES)
def test_features_talk_to_each_other_only_through_what_they_publish(feature: str) -> None:
    offenders = {
        module_of(path): sorted(
            bad
            for m in imports_of(path, for_type_checking=False)
            if (bad := reaches_into(m, feature))
        )
        for path in (SRC / feature).rglob("*.py")
    }
    assert {m: bad for m, bad in offenders.items() if bad} == {}


def module_of(path: Path) -> str:
    return ".".join(("corredor", *path.relative_to(SRC).with_suffix("").parts))


def is_domain(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "corredor" and "domain" in parts[1:3]


# Libraries of pure functions (no I/O, no state) a domain may compute with: string distances
# and phonetic codes for matching persons; image decoding and resizing for holders' photos.
PURE_LIBRARIES = ("pydantic", "rapidfuzz", "jellyfish", "PIL")


def allowed_in_domain(module: str) -> bool:
    root = module.split(".", maxsplit=1)[0]
    if root == "corredor":
        return is_domain(module) or module == "corredor"
    return root in PURE_LIBRARIES or root in sys.stdlib_module_names or root == "__future__"


def domain_files() -> list[Path]:
    roots = [SRC / "domain", *(SRC / feature / "domain" for feature in FEATURES)]
    return [path for root in roots for path in root.rglob("*.py")]


def test_every_domain_imports_only_the_standard_library_pydantic_and_domains() -> None:
    files = domain_files()
    assert len(files) >= 10
    offenders = {
        module_of(path): sorted(m for m in imports_of(path) if not allowed_in_domain(m))
        for path in files
    }
    assert {m: bad for m, bad in offenders.items() if bad} == {}


def front_offences(path: Path, feature: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    # a front may import its own parts: a module its submodules, a page of `pages/` its siblings
    own = "pages" if path.parent.name == "pages" else path.stem
    offences = [
        module
        for module in imports_of(path)
        if module.startswith(f"corredor.{feature}.")
        and module.split(".")[2] not in FRONT_MAY_USE
        and not module.startswith(f"corredor.{feature}.{own}")
    ]
    offences += [m for m in imports_of(path) if m.startswith("sqlalchemy")]
    if "transaction(" in text or "unit_of_work(" in text:
        offences.append("opens a transaction")
    return sorted(offences)


@pytest.mark.parametrize("feature", FEATURES)
def test_api_pages_and_cli_use_only_use_cases_and_schemas(feature: str) -> None:
    fronts = sorted(path for pattern in FRONTS for path in (SRC / feature).glob(pattern))
    assert len(fronts) >= MIN_FRONTS.get(feature, 3)
    offenders = {module_of(path): front_offences(path, feature) for path in fronts}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


@pytest.mark.parametrize(
    "feature", [feature for feature in FEATURES if (SRC / feature / "api.py").exists()]
)
def test_the_api_imports_no_pages(feature: str) -> None:
    api = imports_of(SRC / feature / "api.py")
    assert [m for m in api if "pages" in m or m.startswith("corredor.web")] == []


@pytest.mark.parametrize("shell", ["kernel", "web", "api"])
def test_the_kernel_and_the_shells_import_no_feature(shell: str) -> None:
    """Only the composition root (`app.py`, `platform.py`, `schema.py`) joins the features."""
    files = list((SRC / shell).rglob("*.py"))
    assert files
    offenders = {
        module_of(path): sorted(
            m for m in imports_of(path) if any(m.startswith(f"corredor.{f}") for f in FEATURES)
        )
        for path in files
    }
    assert {m: bad for m, bad in offenders.items() if bad} == {}


def test_the_checks_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "pages.py"
    page.write_text(
        "from corredor.documents.tables import DocumentRow\n"
        "def f(p):\n    from sqlalchemy.orm import Session\n    with p.db.transaction() as s: pass\n",
        encoding="utf-8",
    )
    assert front_offences(page, "documents") == [
        "corredor.documents.tables",
        "corredor.documents.tables.DocumentRow",
        "opens a transaction",
        "sqlalchemy.orm",
        "sqlalchemy.orm.Session",
    ]
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "screener.py").write_text(
        "from corredor.screening.pages.questions import Answers\n"
        "from corredor.screening.policy_files import load_catalogue\n",
        encoding="utf-8",
    )
    assert front_offences(pages / "screener.py", "screening") == [
        "corredor.screening.policy_files",
        "corredor.screening.policy_files.load_catalogue",
    ]
    assert reaches_into("corredor.accounts.tables", "cases") == "corredor.accounts.tables"
    assert reaches_into("corredor.accounts.users", "cases") is None
    assert reaches_into("corredor.screening.pages.results", "cases") is not None
    assert not allowed_in_domain("sqlalchemy.orm")
    assert allowed_in_domain("corredor.documents.domain.credentials")
