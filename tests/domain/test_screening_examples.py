"""The screener's explanations for the cases the foundation issue names."""

from datetime import date

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import Profile
from corredor.screening.domain.rules import Decision, Outcome

TODAY = date(2026, 11, 23)


def decision_for(catalogue: Catalogue, pathway: str, profile: Profile, as_of: date) -> Decision:
    return next(d for d in catalogue.screen(profile, as_of) if d.pathway == pathway)


def test_venezuelan_who_crossed_panama_after_the_cutoff_is_not_eligible_for_chnv(
    catalogue: Catalogue,
) -> None:
    person = Profile(
        nationality="VE",
        us_supporter=True,
        documents=["passport"],
        criminal_history=False,
        irregular_entries=[{"country": "PA", "date": date(2023, 9, 14)}],
    )
    decision = decision_for(catalogue, "us-chnv-parole", person, date(2024, 3, 1))
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert decision.version == "2023-01-06"
    cited = {reason.clause for reason in decision.reasons}
    assert "chnv.no-irregular-crossing.ve" in cited
    assert all(reason.key == "clause.not_met" for reason in decision.reasons)
    assert not any("Cuban" in reason.text for reason in decision.reasons)  # not their branch
    assert "PA 2023-09-14" in decision.reasons[0].text


def test_venezuelan_who_crossed_before_the_cutoff_is_eligible(catalogue: Catalogue) -> None:
    person = Profile(
        nationality="VE",
        us_supporter=True,
        documents=["passport"],
        criminal_history=False,
        unaccompanied_minor=False,
        us_removal_order_last_5_years=False,
        irregular_entries=[{"country": "PA", "date": date(2022, 10, 19)}],
    )
    assert (
        decision_for(catalogue, "us-chnv-parole", person, date(2024, 3, 1)).outcome
        is Outcome.ELIGIBLE
    )


def haitian_household(*members: dict) -> Profile:
    return Profile(
        nationality="HT",
        birth_date=date(1994, 8, 2),
        current_country="MX",
        current_region="MX-CHP",
        criminal_history=False,
        household=list(members),
    )


def test_haitian_family_with_a_three_year_old_in_chiapas_is_eligible_for_phase_1(
    catalogue: Catalogue,
) -> None:
    family = haitian_household({"relation": "child", "birth_date": date(2023, 6, 15)})
    decision = decision_for(catalogue, "mx-us-joint-corridor", family, TODAY)
    assert decision.outcome is Outcome.ELIGIBLE
    assert "corridor.cohort.young-child" in {reason.clause for reason in decision.reasons}


def test_single_adult_is_not_yet_eligible_and_told_when_their_phase_opens(
    catalogue: Catalogue,
) -> None:
    decision = decision_for(catalogue, "mx-us-joint-corridor", haitian_household(), TODAY)
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    keys = [reason.key for reason in decision.reasons]
    assert keys == ["clause.not_met", "phase.opens_later"]
    assert decision.reasons[-1].params["opens"] == "2027-09-01"
    later = decision_for(catalogue, "mx-us-joint-corridor", haitian_household(), date(2027, 9, 1))
    assert later.outcome is Outcome.ELIGIBLE


def test_criminal_history_rules_out_the_corridor_whatever_the_phase(catalogue: Catalogue) -> None:
    family = haitian_household({"relation": "child", "birth_date": date(2023, 6, 15)})
    convicted = family.model_copy(update={"criminal_history": True})
    decision = decision_for(catalogue, "mx-us-joint-corridor", convicted, TODAY)
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert [r.clause for r in decision.reasons] == ["corridor.no-criminal-history"]


def test_unknown_lists_the_facts_to_ask_next(catalogue: Catalogue) -> None:
    decision = decision_for(catalogue, "mx-us-joint-corridor", Profile(nationality="HT"), TODAY)
    assert decision.outcome is Outcome.UNKNOWN
    assert decision.missing_facts[0] == "current_country"
    assert {"criminal_history", "household"} <= set(decision.missing_facts)
    assert "nationality" not in decision.missing_facts


def test_unaccompanied_children_are_excluded_from_smo_without_a_promised_referral(
    catalogue: Catalogue,
) -> None:
    child = Profile(
        nationality="HN",
        birth_date=date(2010, 2, 1),
        current_country="GT",
        unaccompanied_minor=True,
    )
    smo = decision_for(catalogue, "us-smo-guatemala", child, date(2024, 6, 1))
    assert smo.outcome is Outcome.NOT_ELIGIBLE
    assert smo.reasons[0].clause == "smo.not-unaccompanied-child"
    # seed 002: the CAM assessment for these children is WRC's recommendation, not a process
    # that exists; the rule must not say children "are referred" to it
    assert "referred" not in smo.reasons[0].text
    assert "Central American Minors" not in smo.reasons[0].text
    cam = decision_for(
        catalogue, "us-cam", child.model_copy(update={"current_country": "HN"}), date(2024, 6, 1)
    )
    assert cam.outcome is Outcome.UNKNOWN
    assert cam.missing_facts == ("us_relative",)


def test_closed_pathways_say_since_when(catalogue: Catalogue) -> None:
    decision = decision_for(catalogue, "us-chnv-parole", Profile(), TODAY)
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert decision.reasons[0].key == "pathway.closed"
    # USCIS stopped accepting CHNV supporter forms on 2025-01-20 (90 FR 13611 terminated CHNV)
    assert decision.reasons[0].params == {"closed": "2025-01-20"}


def test_every_clause_outcome_is_reported(catalogue: Catalogue) -> None:
    family = haitian_household({"relation": "child", "birth_date": date(2023, 6, 15)})
    decision = decision_for(catalogue, "mx-us-joint-corridor", family, TODAY)
    clauses = [c for c in decision.clauses() if c.kind == "clause"]
    assert {c.ref for c in clauses} >= {
        "corridor.third-country-national",
        "corridor.no-criminal-history",
    }
    # met, not met ("in Mexico City" is false) and unknown (documents were not given) all show
    assert {c.value for c in clauses} == {True, False, None}
