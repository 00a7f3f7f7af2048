"""Where the folders Corredor ships with are: `policies/`, `data/`, `scenarios/`, `examples/`.

Installed from a wheel they are package data (`corredor/_shipped/<name>`, put there by the
build; see pyproject.toml); in a checkout or an editable install they are at the repository's
root. Code asks here instead of counting parent folders from its own file, so an installed
`corredor policy check` finds its policies outside any checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final, Literal

Shipped = Literal["policies", "data", "scenarios", "examples"]
CHECKOUT: Final = Path(__file__).resolve().parents[3]


def shipped(name: Shipped) -> Path:
    packaged = Path(str(resources.files("corredor"))) / "_shipped" / name
    if packaged.is_dir():
        return packaged
    return CHECKOUT / name
