"""The published criteria (seed 000: 'clear, stable, published criteria'): public, every
version, its dates, its sources and what changed, in the five languages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.policy_diff import changes
from corredor.web.i18n import LANGUAGE_CODES
from tests.web.test_screener import text


def test_the_published_rules_need_no_sign_in_and_list_every_pathway(
    client: TestClient, catalogue: Catalogue
) -> None:
    response = client.get("/policies?lang=en")
    assert response.status_code == 200
    for pathway in catalogue.pathway_ids():
        assert f'href="/policies/{pathway}"' in response.text
    shown = text(response.text)
    assert "Closed since January 20, 2025" in shown  # CHNV (90 FR 13611)
    assert "Closed since December 15, 2025" in shown  # FRP (CIS No. 2806-25)
    assert "Proposed pilot — not (yet) a government program" in shown


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_version_with_dates_sources_and_changes(client: TestClient, lang: str) -> None:
    response = client.get(f"/policies/us-chnv-parole?lang={lang}")
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    # newest first, both versions
    assert html.index('id="version-2023-01-06"') < html.index('id="version-2022-10-19"')
    assert "90 FR 13611" in html  # the termination notice, as a source
    assert "87 FR 63507" in html
    # the clause diff: the nationality list grew from VE to the four nationalities
    assert "<del><code>nationality in VE</code></del>" in html
    assert "<ins><code>nationality in CU, HT, NI, VE</code></ins>" in html


def test_the_diff_names_added_removed_and_changed_clauses(catalogue: Catalogue) -> None:
    before, after = catalogue.versions("us-smo-guatemala")
    found = {(change.kind, (change.label or {}).get("en")) for change in changes(before, after)}
    assert found == {
        ("changed", "You are a national of Guatemala, El Salvador, Honduras or Nicaragua")
    }
    asylum_1980, asylum_1997 = catalogue.versions("us-asylum")
    added = [c for c in changes(asylum_1980, asylum_1997) if c.kind == "added"]
    assert {(c.label or {}).get("en", "")[:40] for c in added} >= {
        "You arrived as a child travelling alone ",
        "You arrived one year ago or less, the an",
    }


def test_an_unknown_pathway_is_not_found(client: TestClient) -> None:
    assert client.get("/policies/nowhere").status_code == 404
