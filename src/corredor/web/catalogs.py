"""Keep the message catalogs in step with the pages.

``python -m corredor.web.catalogs`` extracts every message from the templates and the web code
(plus the fact questions of the domain, whose English text is the msgid) and merges them into
the five `.po` files: new messages arrive empty, so the completeness test fails until they are
translated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from corredor.domain.facts import FACTS
from corredor.web.i18n import LANGUAGE_CODES, catalog_path

WEB_DIR: Final = Path(__file__).parent
METHODS: Final = [("templates/**.html", "jinja2"), ("*.py", "python")]
OPTIONS: Final = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extract() -> Catalog:
    """Every msgid the public pages can show."""
    template = Catalog(project="corredor", msgid_bugs_address=None)
    for filename, lineno, message, comments, context in extract_from_dir(
        WEB_DIR, method_map=METHODS, options_map=OPTIONS
    ):
        if isinstance(message, str):
            template.add(
                message, locations=[(filename, lineno)], auto_comments=comments, context=context
            )
    for spec in FACTS.values():
        template.add(spec.question, locations=[("corredor/domain/facts.py", 0)])
    return template


def update() -> None:
    template = extract()
    for code in LANGUAGE_CODES:
        path = catalog_path(code)
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
