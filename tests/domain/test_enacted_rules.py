"""Every rule as enacted: each test names the public source it checks the catalogue against.

These are the cases of the policy audit (issue 16). Dates are injected (`as_of`), never read from
the clock. A wrong "eligible" is the worst error, so most cases check the day before and the day
of a boundary.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pydantic import ValidationError

from corredor.screening.bulk.vectorized import profiles_to_frame, screen_frame
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import FactError, Profile
from corredor.screening.domain.policy import Status, missing_sources
from corredor.screening.domain.predicates import Predicate, children
from corredor.screening.domain.rules import Decision, Outcome


def decide(catalogue: Catalogue, pathway: str, person: Profile, as_of: date) -> Decision:
    decision = next(d for d in catalogue.screen(person, as_of) if d.pathway == pathway)
    # the vectorized twin must say the same for every audit case
    table = screen_frame(catalogue, profiles_to_frame([person]), as_of)
    assert table[pathway][0] == decision.outcome.value, (pathway, as_of)
    return decision


def cited(decision: Decision) -> set[str | None]:
    return {reason.clause for reason in decision.reasons}


# 1. Family Reunification Parole ----------------------------------------------------------------

FRP_APPLICANT = {
    "us_relative": {"status": "citizen", "petition": "approved"},
    "criminal_history": False,
}


def test_frp_is_closed_since_15_december_2025(catalogue: Catalogue) -> None:
    """USCIS, Termination of Family Reunification Parole Processes (CIS No. 2806-25)."""
    colombian = Profile(nationality="CO", **FRP_APPLICANT)
    pathway = "us-family-reunification-parole"
    assert decide(catalogue, pathway, colombian, date(2025, 12, 14)).outcome is Outcome.ELIGIBLE
    closed = decide(catalogue, pathway, colombian, date(2026, 12, 1))
    assert closed.outcome is Outcome.NOT_ELIGIBLE
    assert closed.reasons[0].key == "pathway.closed"
    assert closed.reasons[0].params == {"closed": "2025-12-15"}


@pytest.mark.parametrize(
    ("nationality", "day_before", "first_day"),
    [
        ("CO", date(2023, 7, 9), date(2023, 7, 10)),  # 88 FR 43591
        ("SV", date(2023, 7, 9), date(2023, 7, 10)),  # companion notices of 2023-07-10
        ("GT", date(2023, 7, 9), date(2023, 7, 10)),
        ("HN", date(2023, 7, 9), date(2023, 7, 10)),
        ("EC", date(2023, 11, 15), date(2023, 11, 16)),  # 88 FR 78762
        ("CU", date(2007, 11, 20), date(2007, 11, 21)),  # 72 FR 65588
        ("HT", date(2014, 12, 17), date(2014, 12, 18)),  # 79 FR 75581
    ],
)
def test_frp_opens_per_country_on_its_notice(
    catalogue: Catalogue, nationality: str, day_before: date, first_day: date
) -> None:
    person = Profile(nationality=nationality, **FRP_APPLICANT)
    pathway = "us-family-reunification-parole"
    assert decide(catalogue, pathway, person, day_before).outcome is Outcome.NOT_ELIGIBLE
    assert decide(catalogue, pathway, person, first_day).outcome is Outcome.ELIGIBLE


def test_frp_says_what_exists_instead_once_closed(catalogue: Catalogue) -> None:
    last = catalogue.versions("us-family-reunification-parole")[-1]
    assert last.effective_until == date(2025, 12, 14)
    assert "15 December 2025" in last.if_not_eligible[0].text["en"]
    assert "I-130" in last.if_not_eligible[0].text["en"]


# 2. CHNV -----------------------------------------------------------------------------------------

CHNV_APPLICANT = {
    "us_supporter": True,
    "documents": ["passport"],
    "criminal_history": False,
    "unaccompanied_minor": False,
    "us_removal_order_last_5_years": False,
}
NO_ENTRIES: dict = {"irregular_entries": []}


def test_chnv_bars_an_irregular_entry_into_mexico(catalogue: Catalogue) -> None:
    """87 FR 63507; 88 FR 1279: 'entered unauthorized into the US between POEs, Mexico, or
    Panama' after 2022-10-19."""
    venezuelan = Profile(
        nationality="VE",
        irregular_entries=[{"country": "MX", "date": date(2023, 3, 1)}],
        **CHNV_APPLICANT,
    )
    decision = decide(catalogue, "us-chnv-parole", venezuelan, date(2024, 3, 1))
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert "chnv.no-irregular-crossing.ve" in cited(decision)
    in_2022 = Profile(
        nationality="VE",
        irregular_entries=[{"country": "MX", "date": date(2022, 11, 1)}],
        **CHNV_APPLICANT,
    )
    decision = decide(catalogue, "us-chnv-parole", in_2022, date(2022, 12, 1))
    assert (decision.version, decision.outcome) == ("2022-10-19", Outcome.NOT_ELIGIBLE)
    assert cited(decision) == {"chnv.no-irregular-crossing.ve"}


def test_chnv_forgives_one_us_entry_from_the_january_2023_notices(catalogue: Catalogue) -> None:
    """88 FR 1266 (Cubans, 2023-01-09): one voluntary departure or withdrawal is excepted."""
    cuban = Profile(
        nationality="CU",
        returned_from_us=True,
        irregular_entries=[{"country": "US", "date": date(2023, 2, 1)}],
        **CHNV_APPLICANT,
    )
    decision = decide(catalogue, "us-chnv-parole", cuban, date(2023, 3, 1))
    assert decision.version == "2023-01-06"
    assert decision.outcome is Outcome.ELIGIBLE
    through_mexico = Profile(
        nationality="CU",
        returned_from_us=True,
        irregular_entries=[
            {"country": "US", "date": date(2023, 2, 1)},
            {"country": "MX", "date": date(2023, 1, 20)},
        ],
        **CHNV_APPLICANT,
    )
    assert (
        decide(catalogue, "us-chnv-parole", through_mexico, date(2023, 3, 1)).outcome
        is Outcome.NOT_ELIGIBLE
    )


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        ({"unaccompanied_minor": True}, "chnv.not-unaccompanied-child"),
        ({"us_removal_order_last_5_years": True}, "chnv.no-removal-order"),
        # the alternative travel document was WRC's recommendation (seed 002), never adopted
        ({"documents": ["alternative_travel_document"]}, "chnv.travel-document"),
    ],
)
def test_chnv_bars_of_the_notices(catalogue: Catalogue, change: dict, clause: str) -> None:
    """88 FR 1243/1255/1266/1279: minors alone, removal orders in the prior five years and
    people without an unexpired passport are not eligible."""
    haitian = Profile(nationality="HT", **{**CHNV_APPLICANT, **NO_ENTRIES, **change})
    decision = decide(catalogue, "us-chnv-parole", haitian, date(2024, 6, 1))
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert cited(decision) == {clause}


def test_chnv_closed_on_20_january_2025(catalogue: Catalogue) -> None:
    """USCIS paused new I-134A supporter forms on 2025-01-20; 90 FR 13611 terminated CHNV."""
    person = Profile(nationality="HT", **CHNV_APPLICANT, **NO_ENTRIES)
    assert (
        decide(catalogue, "us-chnv-parole", person, date(2025, 1, 19)).outcome is Outcome.ELIGIBLE
    )
    closed = decide(catalogue, "us-chnv-parole", person, date(2025, 1, 20))
    assert closed.outcome is Outcome.NOT_ELIGIBLE
    assert closed.reasons[0].params == {"closed": "2025-01-20"}


def test_chnv_texts_name_the_forms_of_their_time_and_no_unadopted_referral(
    catalogue: Catalogue,
) -> None:
    """87 FR 63507 (October 2022): Form I-134; Form I-134A came with the January 2023 notices."""
    first, second = catalogue.versions("us-chnv-parole")
    assert "Form I-134 " in first.next_steps[0].text["en"]
    assert "I-134A" not in first.next_steps[0].text["en"]
    assert "I-134A" in second.next_steps[0].text["en"]
    for policy in (first, second):
        steps = " ".join(step.text["en"] for step in policy.next_steps)
        assert "NGO" not in steps  # seed 002: a WRC recommendation, not part of CHNV


# 3-5. US asylum ------------------------------------------------------------------------------------

ASYLUM_SEEKER = {"fear_of_persecution": True, "criminal_history": False}


def test_us_asylum_is_not_open_from_abroad(catalogue: Catalogue) -> None:
    """INA 208(a)(1): only a person physically present in, or arriving in, the United States."""
    guatemalan = Profile(nationality="GT", current_country="GT", **ASYLUM_SEEKER)
    decision = decide(catalogue, "us-asylum", guatemalan, date(2026, 12, 1))
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert cited(decision) == {"asylum.in-or-arriving-in-us"}
    policy = catalogue.in_effect("us-asylum", date(2026, 12, 1))
    assert policy is not None
    instead = policy.if_not_eligible[0].text["en"]
    assert "COMAR" in instead
    assert "Do not pay anyone" in instead


def test_a_conviction_is_never_a_flat_no_for_us_asylum(catalogue: Catalogue) -> None:
    """INA 208(b)(2)(A): only particularly serious crimes, aggravated felonies and serious
    nonpolitical crimes bar asylum; that takes a lawyer's judgement."""
    person = Profile(
        nationality="HN",
        current_country="US",
        in_country_since=date(2026, 6, 1),
        fear_of_persecution=True,
        criminal_history=True,
    )
    decision = decide(catalogue, "us-asylum", person, date(2026, 12, 1))
    assert decision.outcome is Outcome.UNKNOWN
    assert [(r.key, r.clause) for r in decision.reasons] == [("clause.needs_advice", "asylum.bars")]
    assert decision.missing_facts == ()  # nothing more to ask: a lawyer must look at it


def test_us_asylum_one_year_deadline_counts_the_arrival_day_as_day_zero(
    catalogue: Catalogue,
) -> None:
    """INA 208(a)(2)(B); USCIS RAIO one-year-deadline lesson; Minasyan v. Mukasey: filing on
    the anniversary of the arrival is on time."""
    person = Profile(
        nationality="HN",
        current_country="US",
        in_country_since=date(2024, 3, 1),
        unaccompanied_minor=False,
        **ASYLUM_SEEKER,
    )
    on_time = decide(catalogue, "us-asylum", person, date(2025, 3, 1))
    assert on_time.outcome is Outcome.ELIGIBLE
    late = decide(catalogue, "us-asylum", person, date(2025, 3, 2))
    # INA 208(a)(2)(D): changed or extraordinary circumstances may excuse it: never a flat no
    assert late.outcome is Outcome.UNKNOWN
    assert [(r.key, r.clause) for r in late.reasons] == [("clause.needs_advice", "asylum.one-year")]


def test_the_one_year_deadline_spares_unaccompanied_children_and_pre_1997_law(
    catalogue: Catalogue,
) -> None:
    """INA 208(a)(2)(E): not for unaccompanied children; IIRIRA: from 1997-04-01 only."""
    child = Profile(
        nationality="HN",
        current_country="US",
        in_country_since=date(2020, 1, 1),
        unaccompanied_minor=True,
        **ASYLUM_SEEKER,
    )
    assert decide(catalogue, "us-asylum", child, date(2026, 12, 1)).outcome is Outcome.ELIGIBLE
    adult = child.model_copy(
        update={"unaccompanied_minor": False, "in_country_since": date(1990, 1, 1)}
    )
    before = decide(catalogue, "us-asylum", adult, date(1997, 3, 31))
    assert (before.version, before.outcome) == ("1980-03-17", Outcome.ELIGIBLE)
    after = decide(catalogue, "us-asylum", adult, date(1997, 4, 1))
    assert after.version == "1997-04-01"


# 6. TVRH -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "clause"),
    [
        ("crime_victim_or_witness_in_mexico", "tvrh.ground.crime-victim-or-witness"),  # fr. V a)
        ("unaccompanied_minor", "tvrh.ground.unaccompanied-child"),  # fr. V b), art. 74
    ],
)
def test_tvrh_grounds_of_ley_de_migracion_art_52_v(
    catalogue: Catalogue, fact: str, clause: str
) -> None:
    person = Profile.model_validate({"nationality": "HN", fact: True})
    decision = decide(catalogue, "mx-tvrh", person, date(2026, 12, 1))
    assert decision.outcome is Outcome.ELIGIBLE
    assert clause in cited(decision)


# 8. H-2A / H-2B ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pathway", ["us-h2a", "us-h2b"])
def test_h2_follows_the_dhs_eligible_countries_list(catalogue: Catalogue, pathway: str) -> None:
    """89 FR 88799 (2024-11-08): Guatemala is listed; Venezuela is not (then only case by case,
    'in the interest of the United States': never a flat yes)."""
    visa = "H-2A" if pathway == "us-h2a" else "H-2B"
    offer = {"job_offer": {"country": "US", "visa_class": visa}}
    guatemalan = Profile.model_validate({"nationality": "GT", **offer})
    assert decide(catalogue, pathway, guatemalan, date(2025, 6, 1)).outcome is Outcome.ELIGIBLE
    venezuelan = Profile.model_validate({"nationality": "VE", **offer})
    decision = decide(catalogue, pathway, venezuelan, date(2025, 6, 1))
    assert decision.outcome is Outcome.UNKNOWN
    assert decision.reasons[0].key == "clause.needs_advice"
    policy = catalogue.in_effect(pathway, date(2025, 6, 1))
    assert policy is not None
    clauses = {node.id for node in _clauses(policy.eligibility)}
    assert f"{pathway}.adult" not in clauses  # the 18+ clause had no source


# 9. Safe Mobility cut-offs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pathway", "facts", "last_day"),
    [
        # Cancillería de Colombia (2023-06-14): in Colombia on or before 2023-06-11
        ("us-smo-colombia", {"nationality": "VE", "current_country": "CO"}, date(2023, 6, 11)),
        # US–Costa Rica joint statement (2023-06-12): present that day, registered asylum seeker
        (
            "us-smo-costa-rica",
            {"nationality": "NI", "current_country": "CR", "registered_asylum_seeker": True},
            date(2023, 6, 12),
        ),
        # State Department / movilidadsegura.org (2023-10-18): Colombians and Nicaraguans too
        (
            "us-smo-ecuador",
            {"nationality": "CO", "current_country": "EC", "registered_asylum_seeker": True},
            date(2023, 10, 18),
        ),
        (
            "us-smo-ecuador",
            {"nationality": "NI", "current_country": "EC", "registered_asylum_seeker": True},
            date(2023, 10, 18),
        ),
    ],
)
def test_safe_mobility_arrival_cutoffs(
    catalogue: Catalogue, pathway: str, facts: dict, last_day: date
) -> None:
    as_of = date(2024, 6, 1)
    person = Profile.model_validate({**facts, "unaccompanied_minor": False})
    arrived_in_time = person.model_copy(update={"in_country_since": last_day})
    assert decide(catalogue, pathway, arrived_in_time, as_of).outcome is Outcome.ELIGIBLE
    next_day = date.fromordinal(last_day.toordinal() + 1)
    too_late = person.model_copy(update={"in_country_since": next_day})
    decision = decide(catalogue, pathway, too_late, as_of)
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert cited(decision) == {"smo.arrival-cutoff"}


def test_the_ecuador_office_opened_on_18_october_2023(catalogue: Catalogue) -> None:
    versions = catalogue.versions("us-smo-ecuador")
    assert versions[0].effective_from == date(2023, 10, 18)


def test_costa_rica_requires_registration_as_an_asylum_seeker(catalogue: Catalogue) -> None:
    person = Profile(
        nationality="VE",
        current_country="CR",
        in_country_since=date(2023, 1, 1),
        unaccompanied_minor=False,
        registered_asylum_seeker=False,
    )
    decision = decide(catalogue, "us-smo-costa-rica", person, date(2024, 6, 1))
    assert decision.outcome is Outcome.NOT_ELIGIBLE
    assert cited(decision) == {"smo.registered-asylum-seeker"}


# 10. Proposals -------------------------------------------------------------------------------------


def test_only_corredors_pilots_are_proposals(catalogue: Catalogue) -> None:
    """Seed 000 proposes the corridor, seed 002 the returned-stay documentation."""
    proposals = {p.id for p in catalogue.all_policies() if p.status is Status.PROPOSAL}
    assert proposals == {"mx-us-joint-corridor", "mx-returned-stay"}


def test_the_corridor_cap_note_says_cbp_one_bookings_ended(catalogue: Catalogue) -> None:
    corridor = catalogue.versions("mx-us-joint-corridor")[0]
    notes = " ".join(cap.note or "" for cap in corridor.caps)
    assert "ended on 2025-01-20" in notes
    assert "CBP Home" in notes


# 11. Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["nationality", "current_country"])
def test_an_unassigned_country_code_is_refused_naming_the_field(field: str) -> None:
    """ISO 3166-1: XX is not assigned; screening it would call it eligible for COMAR and TVRH."""
    with pytest.raises(ValidationError) as refused:
        Profile.model_validate({field: "XX"})
    assert refused.value.errors()[0]["loc"] == (field,)


def test_a_birth_date_after_the_screening_date_is_refused(catalogue: Catalogue) -> None:
    child = Profile(birth_date=date(2027, 1, 1))
    with pytest.raises(FactError) as refused:
        catalogue.screen(child, date(2026, 12, 1))
    assert refused.value.field == "birth_date"
    assert catalogue.screen(child, date(2027, 1, 1))  # born on the day: accepted


# policy check ------------------------------------------------------------------------------------


def test_every_date_cutoff_and_nationality_list_of_the_catalogue_cites_a_source(
    catalogue: Catalogue,
) -> None:
    for policy in catalogue.all_policies():
        assert missing_sources(policy) == [], (policy.id, policy.version)


def test_a_cutoff_without_a_source_is_found(catalogue: Catalogue) -> None:
    policy = catalogue.versions("us-smo-colombia")[0]
    data = policy.model_dump(by_alias=True, exclude_none=True)
    for clause in data["eligibility"]["all"]:
        clause.pop("source", None)
    data.pop("dates_source")
    stripped = type(policy).model_validate(data)
    problems = dict(missing_sources(stripped))
    assert problems == {
        "dates_source": "effective dates need a source (notice, statute...)",
        "smo.nationality": "a nationality list needs a source",
        "smo.arrival-cutoff": "a cut-off date needs a source",
    }


def _clauses(node: Predicate) -> Iterator[Predicate]:
    yield node
    for child in children(node):
        yield from _clauses(child)
