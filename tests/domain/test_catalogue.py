"""The shipped catalogue: every pathway of DOMAIN.md, valid, sourced, and true to the seeds."""

from datetime import date

import pytest

from corredor.screening.domain.catalogue import Catalogue, CatalogueError
from corredor.screening.domain.policy import Policy
from corredor.screening.domain.predicates import Clause, children

PATHWAYS = {
    "mx-tvrh",
    "mx-us-joint-corridor",
    "us-chnv-parole",
    "us-smo-colombia",
    "us-smo-costa-rica",
    "us-smo-ecuador",
    "us-smo-guatemala",
    "us-cam",
    "us-family-reunification-parole",
    "us-asylum",
    "mx-comar-asylum",
    "us-h2a",
    "us-h2b",
    "mx-regional-worker",
    "mx-returned-stay",
}


def leaves(node):
    if isinstance(node, Clause):
        yield node
    for child in children(node):
        yield from leaves(child)


def test_every_pathway_of_the_domain_is_in_the_catalogue(catalogue: Catalogue) -> None:
    assert set(catalogue.pathway_ids()) == PATHWAYS


LANGUAGES = ("en", "es", "ht", "fr", "pt")  # the five languages of the public pages


def nodes(node):
    yield node
    for child in children(node):
        yield from nodes(child)


def has_all_languages(labels) -> bool:
    return bool(labels) and all(labels.get(language) for language in LANGUAGES)


def test_every_policy_cites_a_source_and_explains_every_clause(catalogue: Catalogue) -> None:
    for policy in catalogue.all_policies():
        assert policy.source, policy.id
        for clause in leaves(policy.eligibility):
            assert has_all_languages(clause.label), (policy.id, clause.fact)


def test_every_text_a_reader_sees_is_in_five_languages(catalogue: Catalogue) -> None:
    for policy in catalogue.all_policies():
        texts = [policy.titles, *([policy.summary] if policy.summary else [])]
        texts += [node.label for node in nodes(policy.eligibility) if node.label]
        texts += [phase.title for phase in policy.phases]
        texts += [n.label for p in policy.phases if p.cohort for n in nodes(p.cohort) if n.label]
        texts += [step.text for step in policy.next_steps] + list(policy.evidence)
        for text in texts:
            assert has_all_languages(text), (policy.id, policy.version, text.get("en"))


def test_chnv_follows_seed_002(catalogue: Catalogue) -> None:
    policy = catalogue.in_effect("us-chnv-parole", date(2024, 6, 1))
    assert policy is not None
    nationality = next(c for c in leaves(policy.eligibility) if c.id == "chnv.nationality")
    assert sorted(nationality.operand) == ["CU", "HT", "NI", "VE"]
    assert [(cap.limit, cap.per) for cap in policy.caps] == [(30000, "month")]
    assert policy.validity is not None
    assert policy.validity.days == 730
    cutoffs = {
        c.id: c.operand.after
        for c in leaves(policy.eligibility)
        if c.operator == "no_entry" and c.id
    }
    assert cutoffs["chnv.no-irregular-crossing.ve"] == date(2022, 10, 19)
    assert cutoffs["chnv.no-irregular-crossing.chn"] == date(2023, 1, 9)
    documents = next(c for c in leaves(policy.eligibility) if c.id == "chnv.travel-document")
    # 88 FR 1243/1255/1266/1279: an unexpired passport; the alternative travel document was a
    # WRC recommendation (seed 002), never adopted
    assert set(documents.operand) == {"passport"}


def test_chnv_has_versions_chosen_by_date(catalogue: Catalogue) -> None:
    versions = [policy.version for policy in catalogue.versions("us-chnv-parole")]
    assert versions == ["2022-10-19", "2023-01-06"]
    first = catalogue.in_effect("us-chnv-parole", date(2022, 12, 1))
    assert first is not None
    assert first.version == "2022-10-19"
    assert catalogue.in_effect("us-chnv-parole", date(2022, 10, 18)) is None


def test_tvrh_is_one_year_renewable_with_work(catalogue: Catalogue) -> None:
    policy = catalogue.versions("mx-tvrh")[0]
    assert policy.validity is not None
    assert (policy.validity.days, policy.validity.renewable) == (365, True)
    assert "work_authorization" in policy.grants
    grounds = {c.id for c in leaves(policy.eligibility) if c.id and c.id.startswith("tvrh.ground.")}
    assert grounds == {
        "tvrh.ground.asylum-seeker",
        "tvrh.ground.risk-to-life-or-health",
        "tvrh.ground.vulnerable",
        "tvrh.ground.violence-or-disaster",
        "tvrh.ground.child-abduction",
        "tvrh.ground.public-interest",
        "tvrh.ground.crime-victim-or-witness",  # Ley de Migración art. 52 fr. V a)
        "tvrh.ground.unaccompanied-child",  # Ley de Migración art. 52 fr. V b), art. 74
    }


def test_guatemala_office_expanded_in_may_2024(catalogue: Catalogue) -> None:
    before = catalogue.in_effect("us-smo-guatemala", date(2024, 4, 1))
    after = catalogue.in_effect("us-smo-guatemala", date(2024, 6, 1))
    assert before is not None
    assert after is not None
    nationalities = [
        set(next(c for c in leaves(p.eligibility) if c.id == "smo.nationality").operand)
        for p in (before, after)
    ]
    assert nationalities[1] - nationalities[0] == {"SV", "HN", "NI"}


def test_corridor_stages_families_with_young_children_first(catalogue: Catalogue) -> None:
    policy = catalogue.versions("mx-us-joint-corridor")[0]
    first = policy.phases[0]
    assert first.cohort is not None
    assert isinstance(first.cohort, Clause)
    assert first.cohort.operator == "any_member"
    assert first.cohort.operand.age_below == 6
    assert policy.phases[-1].cohort is None  # the last phase is open to everyone


def test_overlapping_versions_are_refused(catalogue: Catalogue) -> None:
    policy = catalogue.versions("mx-tvrh")[0]
    later = policy.model_copy(update={"version": "later", "effective_from": date(2020, 1, 1)})
    with pytest.raises(CatalogueError, match="still in effect"):
        Catalogue([policy, later])


def test_policies_round_trip_through_the_schema(catalogue: Catalogue) -> None:
    for policy in catalogue.all_policies():
        dumped = policy.model_dump(by_alias=True, exclude_none=True)
        assert Policy.model_validate(dumped) == policy
