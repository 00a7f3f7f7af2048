"""Reference data read from data/: INM border points, assisted sites, ports of entry."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from corredor.config import DATA_DIR


class Place(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    name: str
    region: str
    country: str = "US"
    latitude: float
    longitude: float
    kind: str | None = None
    municipality: str | None = None
    partners: tuple[str, ...] = ()  # at an assisted site: the agencies whose caseworkers help


class Reference(BaseModel):
    model_config = ConfigDict(frozen=True)

    inm_border_points: list[Place]
    assisted_sites: list[Place]
    ports_of_entry: list[Place]

    def border_point(self, place_id: str) -> Place | None:
        return next((p for p in self.inm_border_points if p.id == place_id), None)

    def port(self, place_id: str) -> Place | None:
        return next((p for p in self.ports_of_entry if p.id == place_id), None)

    def assisted_site(self, place_id: str) -> Place | None:
        return next((p for p in self.assisted_sites if p.id == place_id), None)

    @property
    def sites(self) -> list[Place]:
        """Every place that gives appointments: border points, assisted sites, ports of entry."""
        return [*self.inm_border_points, *self.assisted_sites, *self.ports_of_entry]


@cache
def load_reference(path: Path = DATA_DIR / "sites.yaml") -> Reference:
    return Reference.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
