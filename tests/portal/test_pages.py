"""`/data` in the five languages: a chart drawn on the server for each table, with its reading
and its data table, no script, and hidden cells that say so."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.platform import Platform
from corredor.web.i18n import LANGUAGE_CODES, forget_untranslated, untranslated

FEWER = {
    "es": "menos de 10",
    "en": "fewer than 10",
    "ht": "mwens pase 10",
    "fr": "moins de 10",
    "pt": "menos de 10",
}
NORTH = {
    "es": "Frontera norte",
    "en": "Northern border",
    "ht": "Fwontyè nò",
    "fr": "Frontière nord",
    "pt": "Fronteira norte",
}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_portal_reads_in_every_language(portal_platform: Platform, lang: str) -> None:
    client = TestClient(create_app(platform=portal_platform), base_url="https://testserver")
    forget_untranslated()
    page = client.get("/data", params={"lang": lang})
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert untranslated(lang) == set()
    assert "<script" not in page.text
    charts = re.findall(r'<svg viewBox="[^"]+" width="100%" role="img"', page.text)
    assert len(charts) == 11
    assert page.text.count("<table") == 12  # each chart's data, and the steps' durations
    assert FEWER[lang] in page.text  # the centre of the route has no shelter: hidden
    assert NORTH[lang] in page.text
    assert page.text.count("<rect x=") > 20  # bars drawn from real figures


def test_the_weekly_view_is_one_link_away(portal_platform: Platform) -> None:
    client = TestClient(create_app(platform=portal_platform), base_url="https://testserver")
    monthly = client.get("/data", params={"lang": "en"}).text
    assert '<a href="/data?period=week">By week</a>' in monthly
    weekly = client.get("/data", params={"period": "week"}).text
    assert '<strong aria-current="page">By week</strong>' in weekly
    assert "Week of November 16, 2026" in weekly
