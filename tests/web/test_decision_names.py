"""Separate decisions stay separate: each carries its own pathway's name and readable reasons
(no raw clause keys such as `corridor.cohort.young-child`)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from corredor.cases.pages.case import decision_views
from corredor.cases.schemas import CaseStatusOut, DecisionOut
from corredor.screening.domain.catalogue import Catalogue
from corredor.web.i18n import translations


def decision(subject: str, policy_id: str, version: str, clauses: list[str]) -> DecisionOut:
    return DecisionOut(
        id=subject,
        subject=subject,
        outcome="not_eligible" if subject == "corridor" else "eligible",
        policy_id=policy_id,
        policy_version=version,
        clauses=clauses,
        reasons=[],
        note=None,
        decided_by="inm",
        decided_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("lang", "tvrh_title", "corridor_title", "cohort"),
    [
        (
            "en",
            "Visitor Card for Humanitarian Reasons (TVRH)",
            "Joint Mexico–US corridor",
            "Your household includes a child under 6",
        ),
        (
            "es",
            "Tarjeta de Visitante por Razones Humanitarias (TVRH)",
            "Corredor conjunto México–EE. UU.",
            "Su familia incluye a una niña o un niño menor de 6 años",
        ),
    ],
)
def test_each_decision_has_its_own_pathway_name_and_readable_clauses(
    catalogue: Catalogue, lang: str, tvrh_title: str, corridor_title: str, cohort: str
) -> None:
    page: Any = SimpleNamespace(gettext=translations(lang), lang=lang)
    status = CaseStatusOut.model_construct(
        decisions=[
            decision("tvrh", "mx-tvrh", "2011-05-25", ["tvrh.ground.violence-or-disaster"]),
            decision(
                "corridor",
                "mx-us-joint-corridor",
                "2026-01-15",
                ["corridor.cohort.young-child", "mx-us-joint-corridor.phase-open"],
            ),
        ]
    )
    tvrh, corridor = decision_views(page, catalogue, status)
    assert tvrh.subject == tvrh_title
    assert corridor.subject.startswith(corridor_title)
    assert corridor.subject != tvrh.subject
    assert corridor.clauses[0] == cohort
    assert not any("." in clause and " " not in clause for clause in corridor.clauses)
