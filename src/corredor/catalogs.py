"""Keep the message catalogs in step with the pages.

``python -m corredor.catalogs`` extracts every message from the templates and the web code
(plus the fact questions of the domain and the portal's indicators, whose English text is the
msgid) and merges them into
the `.po` files: new messages arrive empty, so the completeness test fails until they are
translated.

Where a message is written decides its domain: `templates/staff/` and each feature's
`<feature>/pages/staff/` hold the pages only officers and caseworkers see (domain `staff`,
Spanish and English at least); everything else is public (domain `messages`, all five
languages), including each feature's other pages (`<feature>/pages.py`,
`<feature>/verify_pages.py`, `<feature>/pages/`). A staff page may use a public message; it is
then translated once, in the public catalog. This tool reads every feature, so it lives beside
the composition root rather than in the web shell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from corredor.identity.domain.model import EVIDENCE
from corredor.portal.domain.indicators import INDICATORS
from corredor.screening.domain.facts import FACTS
from corredor.web.i18n import (
    LANGUAGE_CODES,
    PUBLIC_DOMAIN,
    STAFF_DOMAIN,
    STAFF_LANGUAGES,
    catalog_path,
)

WEB_DIR: Final = Path(__file__).parent / "web"
PUBLIC_METHODS: Final = [
    ("templates/staff/**.html", "ignore"),
    ("templates/**.html", "jinja2"),
    ("*.py", "python"),
]
STAFF_METHODS: Final = [("templates/staff/**.html", "jinja2"), ("staff/**.py", "python")]
FEATURES_DIR: Final = WEB_DIR.parent
# `*` stops at a slash: `*/pages/*.py` is a feature's public pages, never its `pages/staff/`.
FEATURE_PUBLIC_METHODS: Final = [
    ("*/pages.py", "python"),
    ("*/verify_pages.py", "python"),
    ("*/pages/*.py", "python"),
]
FEATURE_STAFF_METHODS: Final = [("*/pages/staff/*.py", "python")]
OPTIONS: Final = {
    "templates/**.html": {"extensions": "jinja2.ext.i18n"},
    "templates/staff/**.html": {"extensions": "jinja2.ext.i18n"},
}


def _collect(
    methods: list[tuple[str, str]],
    feature_methods: list[tuple[str, str]],
    skip: frozenset[str] = frozenset(),
) -> Catalog:
    template = Catalog(project="corredor", msgid_bugs_address=None)
    for directory, method_map in ((WEB_DIR, methods), (FEATURES_DIR, feature_methods)):
        for filename, lineno, message, comments, context in extract_from_dir(
            directory, method_map=method_map, options_map=OPTIONS
        ):
            if isinstance(message, str) and message not in skip:
                template.add(
                    message,
                    locations=[(filename, lineno)],
                    auto_comments=comments,
                    context=context,
                )
    return template


def extract() -> Catalog:
    """Every msgid the public and applicant pages can show."""
    template = _collect(PUBLIC_METHODS, FEATURE_PUBLIC_METHODS)
    for spec in FACTS.values():
        template.add(spec.question, locations=[("corredor/screening/domain/facts.py", 0)])
    # the portal's titles, units and series names are msgids kept with the indicators
    for indicator in INDICATORS:
        for text in (indicator.title, indicator.unit, *(s.label for s in indicator.series)):
            template.add(text, locations=[("corredor/portal/domain/indicators.py", 0)])
    return template


def extract_staff() -> Catalog:
    """Every msgid only staff pages show (public messages stay in the public catalog)."""
    public = frozenset(message.id for message in extract() if isinstance(message.id, str))
    template = _collect(STAFF_METHODS, FEATURE_STAFF_METHODS, skip=public)
    # the reasons the person matching gives, shown to INM officers on the duplicates page
    for evidence in EVIDENCE.values():
        if evidence.reason not in public:
            template.add(evidence.reason, locations=[("corredor/identity/domain/model.py", 0)])
    return template


def update() -> None:
    _merge(extract(), PUBLIC_DOMAIN, LANGUAGE_CODES)
    _merge(extract_staff(), STAFF_DOMAIN, STAFF_LANGUAGES)


def _merge(template: Catalog, domain: str, languages: tuple[str, ...]) -> None:
    for code in languages:
        path = catalog_path(code, domain)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=code)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=code, project="corredor")
            catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as target:
            write_po(target, catalog, width=100, include_lineno=False, ignore_obsolete=True)


if __name__ == "__main__":
    update()
