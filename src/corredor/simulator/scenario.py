"""Scenario files: every parameter carries its value and either a source or the word assumption.

A scenario may `extend` another (capacity variants change a few numbers of a base scenario);
mappings merge key by key, everything else replaces.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corredor.kernel.resources import shipped

# The scenarios compared in the report and the benchmark: one calendar, one horizon, one burn-in,
# so that they differ only in policy (families-first is about time and is reported apart)
COMPARISON = (
    "status-quo",
    "joint-corridor",
    "joint-corridor-half-capacity",
    "joint-corridor-double-capacity",
    "joint-corridor-plus-appointments",
)


class ScenarioError(ValueError):
    """A scenario that cannot be used, with the file and field named."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Param(_Strict):
    """A number with its provenance: exactly one of `source` or `assumption`. An assumption may
    state the `range` it could plausibly take; the sensitivity analysis varies it over that range
    (or over half to one and a half times its value when no range is stated)."""

    value: float
    source: str | None = None
    assumption: str | None = None
    range: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _provenance(self) -> Param:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("give exactly one of source or assumption")
        if self.range is not None and not self.range[0] <= self.value <= self.range[1]:
            raise ValueError(f"value {self.value} is outside its range {list(self.range)}")
        return self

    def bounds(self) -> tuple[float, float]:
        """The range the sensitivity analysis varies an assumption over."""
        if self.range is not None:
            return self.range
        low, high = sorted((0.5 * self.value, 1.5 * self.value))
        return (low, high) if low < high else (self.value - 1.0, self.value + 1.0)


class PolicyCap(_Strict):
    pathway: str
    site: str | None = None


class Capacity(_Strict):
    """A daily capacity: a number, or a cap read from a policy file (version in force each day)."""

    value: float | None = Field(default=None, ge=0)
    policy_cap: PolicyCap | None = None
    multiplier: float = Field(default=1.0, ge=0)
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Capacity:
        if (self.value is None) == (self.policy_cap is None):
            raise ValueError("give exactly one of value or policy_cap")
        if self.value is not None and (self.source is None) == (self.assumption is None):
            raise ValueError("a value needs exactly one of source or assumption")
        return self


class Destination(_Strict):
    node: str
    share: float = Field(gt=0, le=1)


class Population(_Strict):
    arrivals_per_day: Param
    arrivals_elsewhere_per_day: Param
    initial_waiting_south: Param
    initial_waiting_north: Param
    share_child_under_6: Param
    share_child_6_to_17: Param
    share_criminal_history: Param
    sample_size: int = Field(default=20_000, gt=0)


class Journey(_Strict):
    entry: str
    elsewhere: str
    south: str
    cdmx: str
    north: list[Destination] = Field(min_length=1)
    speed_km_per_day: Param
    smuggled_days_to_us: Param

    @model_validator(mode="after")
    def _shares(self) -> Journey:
        total = sum(destination.share for destination in self.north)
        if abs(total - 1) > 1e-6:
            raise ValueError(f"north shares must add up to 1 (they add up to {total:g})")
        return self


class Capacities(_Strict):
    tvrh_per_day: Capacity
    tvrh_ad_hoc_monthly_min: Param
    tvrh_ad_hoc_monthly_max: Param
    parole_interviews_per_day: Capacity
    flights_per_day: Capacity
    appointments_per_day: Capacity
    appointment_rule: Literal["half_longest_half_random", "longest_waiting", "random"]
    chnv_per_day: Capacity


class Behaviour(_Strict):
    """The daily discrete choice of people waiting (see docs/simulator.md#behaviour) and the
    response of arrivals to the chance of a legal pathway and to smuggling prices."""

    north_constant: Param
    north_cost_usd: Param
    north_risk: Param
    give_up_constant: Param
    magnet_legal_elasticity: Param
    magnet_price_elasticity: Param
    reference_legal_share: Param
    parole_denial_share: Param
    flight_share: Param


class Smuggling(_Strict):
    reference_price_usd: Param
    reference_demand_per_day: Param
    price_sensitivity_per_1000_usd: Param
    wait_sensitivity_per_30_days: Param
    risk: Param
    risk_sensitivity: Param
    constant: Param
    decision_rate_per_day: Param
    enforcement_index: Param
    enforcement_price_elasticity: Param
    demand_price_exponent: Param
    demand_memory_days: Param
    supply_adjustment_days: Param
    apprehension_share: Param
    returned_to_mexico_share: Param


class Scenario(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    description: str
    start: date
    days: int = Field(gt=0, le=3660)
    burn_in_days: int = Field(
        default=0,
        ge=0,
        description="first days reported apart as the transient; the rest is the steady state",
    )
    corridor_pathway: str | None = Field(
        default=None, description="policy id whose eligibility and phases open the corridor"
    )
    departure: str | None = Field(
        default=None, description="how this variant departs from its policy file, if it does"
    )
    population: Population
    journey: Journey
    capacities: Capacities
    behaviour: Behaviour
    smuggling: Smuggling

    @model_validator(mode="after")
    def _burn_in_leaves_days(self) -> Scenario:
        if self.burn_in_days >= self.days:
            raise ValueError(f"burn_in_days ({self.burn_in_days}) must be under days ({self.days})")
        return self

    def parameters(self) -> list[tuple[str, Param | Capacity]]:
        """Every parameter with its dotted name, for the report's provenance table."""
        found: list[tuple[str, Param | Capacity]] = []
        for section in ("population", "journey", "capacities", "behaviour", "smuggling"):
            block = getattr(self, section)
            for name in type(block).model_fields:
                value = getattr(block, name)
                if isinstance(value, Param | Capacity):
                    found.append((f"{section}.{name}", value))
        return found


def default_scenario_dir() -> Path:
    return shipped("scenarios")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        # a parameter given anew (a value or a policy cap) replaces the base's whole parameter,
        # so its provenance is never mixed with the base's; anything else merges key by key
        is_new_parameter = isinstance(value, dict) and ("value" in value or "policy_cap" in value)
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not is_new_parameter:
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _raw(name_or_path: str, directory: Path, seen: tuple[str, ...]) -> dict[str, Any]:
    path = Path(name_or_path)
    if not path.suffix:
        path = directory / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml")))
        raise ScenarioError(f"no scenario {name_or_path!r} (known: {known})")
    if str(path) in seen:
        raise ScenarioError(f"{path}: extends itself through {' -> '.join(seen)}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: not a mapping")
    parent = data.pop("extends", None)
    if parent is None:
        return data
    return _merge(_raw(str(parent), path.parent, (*seen, str(path))), data)


def load_scenario(name_or_path: str, directory: Path | None = None) -> Scenario:
    """A scenario by name (`scenarios/<name>.yaml`) or by path."""
    directory = directory or default_scenario_dir()
    raw = _raw(name_or_path, directory, ())
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ScenarioError(f"{name_or_path}: {where}: {first['msg']}") from error


def scenario_names(directory: Path | None = None) -> list[str]:
    return sorted(path.stem for path in (directory or default_scenario_dir()).glob("*.yaml"))
