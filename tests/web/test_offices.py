"""Where to go, what to bring, what it costs: `data/offices.yaml`, sourced and dated."""

from __future__ import annotations

from fastapi.testclient import TestClient

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.offices import load_offices
from tests.web.test_screener import CORRIDOR_FAMILY, text, walk
from tests.web.test_screener_truth import section


def test_every_place_a_step_names_has_sourced_dated_offices(catalogue: Catalogue) -> None:
    places = load_offices().places
    named = {
        step.where
        for policy in catalogue.all_policies()
        for step in policy.next_steps
        if step.where
    }
    assert named <= set(places)
    for kind, place in places.items():
        assert place.fraud.keys() >= {"es", "en", "ht", "fr", "pt"}, kind
        # "free" is said only where a public source says it
        assert (place.free is True) == bool(place.free_source), kind
        for office in place.offices:
            assert office.source and office.checked, office.name
            assert str(office.web).startswith("https://"), office.name


def test_an_open_pathway_says_where_to_go_and_warns_of_fraud(client: TestClient) -> None:
    walk(client, CORRIDOR_FAMILY)
    corridor = section(client.get("/screener/results?lang=en").text, "mx-us-joint-corridor")
    assert "Where to go" in corridor
    assert "https://www.gob.mx/inm" in corridor
    assert "INM does not sell appointments" in corridor
    assert "Nobody sells places or appointments in it" in corridor


def test_asylum_in_mexico_is_free_and_says_so(client: TestClient) -> None:
    """COMAR: the procedure is free (gob.mx/comar); Tapachula office per Cuarto Poder, 2025-09-30."""
    seeker = {**CORRIDOR_FAMILY, "seeking_asylum_in_mexico": {"answer": "yes"}}
    walk(client, seeker)
    comar = section(client.get("/screener/results?lang=es").text, "mx-comar-asylum")
    assert "Es gratis: nadie puede cobrarle." in comar
    assert "Libramiento Sur, Tapachula, Chiapas" in comar
    assert "Verificado el" in text(comar)
