"""The corridor as a network: nodes with coordinates and a journey stage, routes with distances."""

from __future__ import annotations

import heapq
import math
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corredor.kernel.resources import shipped

Stage = Literal["entry", "transit", "south", "cdmx", "north", "port", "airport"]
EARTH_RADIUS_KM = 6371.0088


class NetworkError(ValueError):
    """A network file that cannot be used, with the file and field named."""


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    stage: Stage


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: str = Field(alias="from")
    end: str = Field(alias="to")
    km: float = Field(gt=0)
    mode: str


class Network(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nodes: list[Node] = Field(min_length=2)
    routes: list[Route] = Field(min_length=1)

    @model_validator(mode="after")
    def _routes_join_known_nodes(self) -> Network:
        known = {node.id for node in self.nodes}
        if len(known) != len(self.nodes):
            raise ValueError("node ids must be unique")
        for index, route in enumerate(self.routes):
            for end in (route.start, route.end):
                if end not in known:
                    raise ValueError(f"routes[{index}]: unknown node {end!r}")
        return self

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def distance_km(self, start: str, end: str) -> float:
        """Shortest distance along routes (Dijkstra; routes run both ways)."""
        self.node(start), self.node(end)
        neighbours: dict[str, list[tuple[str, float]]] = {node.id: [] for node in self.nodes}
        for route in self.routes:
            neighbours[route.start].append((route.end, route.km))
            neighbours[route.end].append((route.start, route.km))
        best = {start: 0.0}
        frontier = [(0.0, start)]
        while frontier:
            distance, here = heapq.heappop(frontier)
            if here == end:
                return distance
            if distance > best.get(here, math.inf):
                continue
            for there, km in neighbours[here]:
                if distance + km < best.get(there, math.inf):
                    best[there] = distance + km
                    heapq.heappush(frontier, (distance + km, there))
        raise NetworkError(f"no route from {start} to {end}")


def great_circle_km(a: Node, b: Node) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def default_network_path() -> Path:
    return shipped("data") / "corridor-network.yaml"


def load_network(path: Path | None = None) -> Network:
    path = path or default_network_path()
    try:
        return Network.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise NetworkError(f"{path}: {where}: {first['msg']}") from error
