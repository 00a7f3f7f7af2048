"""An illustrative registry along the route, from the southern border to the northern one.

None of these records is sourced: the names describe a kind of place in a real town, the
coordinates are the town's centre, and the capacities are plausible, not measured. Each is
marked `illustrative`, and the pages and the API say so. Contacts use the reserved `.example`
domain so that nobody writes to a made-up address.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Final

from corredor.shelters.domain.occupancy import Occupancy
from corredor.shelters.domain.registry import Access, Operator, Service, Shelter, Zone

S, A, Op = Service, Access, Operator
ALL_SERVICES: Final = frozenset(Service)


def _shelter(  # noqa: PLR0917 - one row of the table below
    id: str,
    name: str,
    operator: Operator,
    region: str,
    municipality: str,
    position: tuple[float, float],
    services: frozenset[Service],
    access: frozenset[Access],
    capacity: tuple[int, int],
) -> Shelter:
    return Shelter(
        id=id,
        name=name,
        operator=operator,
        region=region,
        municipality=municipality,
        latitude=position[0],
        longitude=position[1],
        services=services,
        accessibility=access,
        contact=f"{id}@albergues.example",
        day_capacity=capacity[0],
        night_capacity=capacity[1],
        illustrative=True,
    )


BASIC: Final = frozenset({S.BEDS, S.MEALS})
FAMILY: Final = frozenset({S.BEDS, S.MEALS, S.CHILD_FRIENDLY_SPACE, S.MEDICAL})
LEGAL: Final = frozenset({S.BEDS, S.MEALS, S.INTERNET, S.LEGAL_AID})
STEP_FREE: Final = frozenset({A.STEP_FREE})
FULL_ACCESS: Final = frozenset(Access)

ILLUSTRATIVE_SHELTERS: Final[tuple[Shelter, ...]] = (
    _shelter(
        "tapachula-centro",
        "Casa de acogida Tapachula Centro",
        Op.CHURCH,
        "MX-CHP",
        "Tapachula",
        (14.9056, -92.2636),
        ALL_SERVICES,
        STEP_FREE,
        (180, 120),
    ),
    _shelter(
        "tapachula-familias",
        "Albergue para familias Tapachula",
        Op.NGO,
        "MX-CHP",
        "Tapachula",
        (14.9120, -92.2580),
        FAMILY,
        FULL_ACCESS,
        (100, 80),
    ),
    _shelter(
        "ciudad-hidalgo",
        "Albergue municipal Ciudad Hidalgo",
        Op.MUNICIPALITY,
        "MX-CHP",
        "Suchiate",
        (14.6781, -92.1500),
        BASIC,
        frozenset(),
        (60, 60),
    ),
    _shelter(
        "villahermosa",
        "Casa del caminante Villahermosa",
        Op.CHURCH,
        "MX-TAB",
        "Centro",
        (17.9895, -92.9475),
        BASIC | {S.INTERNET},
        STEP_FREE,
        (60, 50),
    ),
    _shelter(
        "ixtepec",
        "Albergue de paso Ciudad Ixtepec",
        Op.CHURCH,
        "MX-OAX",
        "Ciudad Ixtepec",
        (16.5617, -95.1003),
        BASIC | {S.MEDICAL},
        frozenset(),
        (90, 70),
    ),
    _shelter(
        "cdmx-centro",
        "Casa de acogida Ciudad de México Centro",
        Op.NGO,
        "MX-CMX",
        "Cuauhtémoc",
        (19.4326, -99.1332),
        LEGAL | {S.MEDICAL},
        FULL_ACCESS,
        (200, 150),
    ),
    _shelter(
        "cdmx-oriente",
        "Albergue temporal Ciudad de México Oriente",
        Op.STATE,
        "MX-CMX",
        "Iztapalapa",
        (19.3574, -99.0926),
        ALL_SERVICES,
        FULL_ACCESS,
        (300, 250),
    ),
    _shelter(
        "monterrey",
        "Casa de acogida Monterrey",
        Op.CHURCH,
        "MX-NLE",
        "Monterrey",
        (25.6866, -100.3161),
        LEGAL,
        STEP_FREE,
        (120, 100),
    ),
    _shelter(
        "ciudad-juarez",
        "Casa del migrante Ciudad Juárez",
        Op.CHURCH,
        "MX-CHH",
        "Juárez",
        (31.6904, -106.4245),
        ALL_SERVICES,
        STEP_FREE,
        (200, 150),
    ),
    _shelter(
        "tijuana",
        "Albergue para familias Tijuana",
        Op.NGO,
        "MX-BCN",
        "Tijuana",
        (32.5149, -117.0382),
        FAMILY | {S.LEGAL_AID},
        FULL_ACCESS,
        (150, 120),
    ),
    _shelter(
        "reynosa",
        "Casa de acogida Reynosa",
        Op.CHURCH,
        "MX-TAM",
        "Reynosa",
        (26.0508, -98.2979),
        BASIC | {S.LEGAL_AID},
        frozenset(),
        (110, 90),
    ),
    _shelter(
        "matamoros",
        "Albergue municipal Matamoros",
        Op.MUNICIPALITY,
        "MX-TAM",
        "Matamoros",
        (25.8690, -97.5027),
        BASIC,
        STEP_FREE,
        (70, 60),
    ),
    _shelter(
        "nogales",
        "Comedor y albergue Nogales",
        Op.NGO,
        "MX-SON",
        "Nogales",
        (31.3086, -110.9422),
        BASIC | {S.MEDICAL},
        STEP_FREE,
        (80, 50),
    ),
)


def illustrative_history(
    shelters: tuple[Shelter, ...], first: date, last: date, seed: int = 18
) -> Iterator[tuple[str, date, Occupancy]]:
    """Made-up daily reports that keep every rule (the demo's and the benchmark's history): each
    shelter fills to between a third and all of its beds, more in the north and the south than
    in between, and about half of the people wait for something."""
    rng = random.Random(seed)
    fill = {
        Zone.NORTH: (0.6, 1.0),
        Zone.SOUTH: (0.5, 1.0),
        Zone.MEXICO_CITY: (0.5, 0.9),
        Zone.CENTRE: (0.3, 0.7),
    }
    day = first
    while day <= last:
        for shelter in shelters:
            low, high = fill[shelter.zone]
            present = int(shelter.night_capacity * rng.uniform(low, high))
            yield shelter.id, day, _split(rng, present)
        day += timedelta(days=1)


def _split(rng: random.Random, present: int) -> Occupancy:
    """`present` people spread over the six sex-and-age cells, and what they wait for."""
    weights = (0.14, 0.15, 0.28, 0.36, 0.03, 0.04)
    cells = [int(present * w) for w in weights]
    cells[3] += present - sum(cells)  # the rounding goes to the largest group
    children = cells[0] + cells[1]
    waiting = [int(present * share) for share in (0.2, 0.15, 0.1, 0.05)]
    return Occupancy(
        present=present,
        female_0_17=cells[0],
        male_0_17=cells[1],
        female_18_59=cells[2],
        male_18_59=cells[3],
        female_60_plus=cells[4],
        male_60_plus=cells[5],
        families=present // 4,
        unaccompanied_children=min(children, rng.randint(0, 3)),
        arrivals=rng.randint(0, max(present // 5, 1)),
        departures=rng.randint(0, max(present // 5, 1)),
        waiting_appointment=waiting[0],
        waiting_parole=waiting[1],
        waiting_comar=waiting[2],
        waiting_work=waiting[3],
    )
