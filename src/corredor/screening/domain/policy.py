"""The pathway policy: one version of one lawful pathway, as written in a file under policies/.

A policy is data with a source and effective dates, never code. Two versions of one pathway may
exist; the one in effect on a date is chosen by `Catalogue.in_effect` (see catalogue.py).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from corredor.screening.domain.facts import check_country
from corredor.screening.domain.predicates import AllOf, AnyOf, Clause, Labels, Predicate, children

REQUIRED_LANGUAGES = ("en", "es")


class Authority(StrEnum):
    INM = "INM"
    COMAR = "COMAR"
    DHS_CBP = "DHS/CBP"
    USCIS = "USCIS"
    STATE_PRM = "State/PRM"
    STATE_CONSULAR = "State/CA"
    DOL = "DOL"
    UNHCR = "UNHCR"
    IOM = "IOM"


class Grant(StrEnum):
    STAY_IN_MEXICO = "stay_in_mexico"
    TRAVEL_TO_MEXICO_CITY = "travel_to_mexico_city"
    TRAVEL_WITHIN_MEXICO = "travel_within_mexico"
    ENTRY_TO_US = "entry_to_us"
    STAY_IN_US = "stay_in_us"
    WORK_AUTHORIZATION = "work_authorization"
    REFUGEE_RESETTLEMENT = "refugee_resettlement"
    PROTECTION = "protection"
    REFERRAL = "referral"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _require_languages(labels: Labels) -> Labels:
    missing = [language for language in REQUIRED_LANGUAGES if not labels.get(language)]
    if missing:
        raise ValueError(f"missing text in {', '.join(missing)}")
    return labels


class Cap(_Strict):
    limit: int = Field(gt=0)
    per: Literal["day", "month", "year", "fiscal_year", "total"]
    site: str | None = Field(default=None, description="a site id; none means the whole pathway")
    note: str | None = None


class Validity(_Strict):
    days: int = Field(gt=0)
    renewable: bool
    note: str | None = None


class Phase(_Strict):
    """A cohort that the pathway is open to from a date (staged roll-out)."""

    id: str
    title: Labels
    opens: date
    source: str | None = Field(default=None, description="who set the opening date, and where")
    cohort: Predicate | None = Field(default=None, description="none means everyone eligible")

    _titles = field_validator("title")(_require_languages)


class Step(_Strict):
    text: Labels
    where: str | None = Field(default=None, description="a kind of place, e.g. inm_border_point")
    journey: bool = Field(
        default=False,
        description=(
            "the step asks the person to travel somewhere; it is never shown to a child "
            "travelling alone"
        ),
    )

    _texts = field_validator("text")(_require_languages)


class Status(StrEnum):
    """Whether a government runs the pathway, or it is a proposal that Corredor pilots."""

    ENACTED = "enacted"
    PROPOSAL = "proposal"


class Policy(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    version: str = Field(min_length=1)
    status: Status = Status.ENACTED
    asks_unaccompanied_children: bool = Field(
        default=True,
        description=(
            "false: the screener asks a child travelling alone nothing for this pathway (work "
            "visas, the corridor): protection comes first"
        ),
    )
    titles: Labels
    summary: Labels | None = None
    authority: list[Authority] = Field(min_length=1)
    country: str
    legal_basis: str = Field(min_length=1)
    source: list[str] = Field(min_length=1)
    effective_from: date
    effective_until: date | None = Field(
        default=None, description="last day in force (inclusive); none means open-ended"
    )
    dates_source: str | None = Field(
        default=None, description="the notice, statute or decision behind effective_from/until"
    )
    eligibility: Predicate
    caps: list[Cap] = []
    validity: Validity | None = None
    grants: list[Grant] = Field(min_length=1)
    phases: list[Phase] = []
    evidence: list[Labels] = []
    next_steps: list[Step] = []
    if_not_eligible: list[Step] = Field(
        default=[], description="what exists instead, or where to get advice, when not eligible"
    )
    notes: str | None = None

    _titles = field_validator("titles")(_require_languages)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value)

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        opens = [phase.opens for phase in self.phases]
        if opens != sorted(opens):
            raise ValueError("phases must be listed in the order they open")
        phase_ids = [phase.id for phase in self.phases]
        if len(set(phase_ids)) != len(phase_ids):
            raise ValueError("phase ids must be unique")
        clause_ids = [node.id for node in _walk(self.eligibility) if node.id is not None]
        duplicated = sorted({i for i in clause_ids if clause_ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"clause ids must be unique, repeated: {', '.join(duplicated)}")
        return self

    def in_effect(self, as_of: date) -> bool:
        return self.effective_from <= as_of and (
            self.effective_until is None or as_of <= self.effective_until
        )

    def open_phases(self, as_of: date) -> list[Phase]:
        return [phase for phase in self.phases if phase.opens <= as_of]

    def predicate_at(self, as_of: date) -> Predicate:
        """The whole rule on a date: eligibility, and membership of a cohort whose phase is open.

        Both evaluators run this one tree, so staged phases need no special case in either.
        """
        if not self.phases:
            return self.eligibility
        cohorts: list[Predicate] = [
            _cohort_node(phase, self.id) for phase in self.open_phases(as_of)
        ]
        phase_gate = AnyOf(
            id=f"{self.id}.phase-open",
            label={
                "en": "You belong to a group the pathway is open to now",
                "es": "Pertenece a un grupo para el que la vía está abierta ahora",
            },
            any=cohorts,
        )
        return AllOf(id=f"{self.id}.rule", all=[self.eligibility, phase_gate])


def _cohort_node(phase: Phase, policy_id: str) -> Predicate:
    node_id = f"{policy_id}.{phase.id}"
    if phase.cohort is None:
        return AllOf(id=node_id, label=phase.title, all=[])  # empty "all": true for everyone
    return AllOf(id=node_id, label=phase.title, all=[phase.cohort])


def _walk(node: Predicate) -> list[Predicate]:
    found: list[Predicate] = [node]
    for child in children(node):
        found.extend(_walk(child))
    return found


_DATED_OPERATORS = frozenset({"on_or_before", "after", "any_entry", "no_entry"})


def missing_sources(policy: Policy) -> list[tuple[str, str]]:
    """Dates, cut-offs and nationality lists that do not say where they come from.

    Each is (field, what is missing). `corredor policy check` refuses a file with any: a
    caseworker or a lawyer must be able to check every date and list against its source.
    """
    problems: list[tuple[str, str]] = []
    if not policy.dates_source:
        problems.append(("dates_source", "effective dates need a source (notice, statute...)"))
    for index, phase in enumerate(policy.phases):
        if not phase.source:
            problems.append((f"phases[{index}].source", "a phase's opening date needs a source"))
    for path, node in _walk_paths(policy.eligibility, "eligibility"):
        if not isinstance(node, Clause) or node.source:
            continue
        name = node.id or path
        if node.operator in _DATED_OPERATORS:
            problems.append((name, "a cut-off date needs a source"))
        elif node.fact == "nationality" and node.operator in ("in", "not_in", "equals"):
            problems.append((name, "a nationality list needs a source"))
    return problems


def _walk_paths(node: Predicate, path: str) -> list[tuple[str, Predicate]]:
    found: list[tuple[str, Predicate]] = [(path, node)]
    for index, child in enumerate(children(node)):
        found.extend(_walk_paths(child, f"{path}.{index}"))
    return found
