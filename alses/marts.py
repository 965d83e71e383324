"""The columns of the analysts' marts, as their dbt contracts declare them
(models/marts/**/_*__models.yml, `contract: enforced`, which dbt checks at each build):
the one description of each column's name, order and type; Python reads it here
rather than typing it again."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

MARTS = Path(__file__).resolve().parents[1] / "models" / "marts"

#: A contract's data type → (DuckDB type, Frictionless Table Schema type).
TYPES = {
    "varchar": ("varchar", "string"),
    "bigint": ("bigint", "integer"),
    "integer": ("integer", "integer"),
    "double precision": ("double", "number"),
}


@dataclass(frozen=True)
class Colonne:
    name: str
    data_type: str
    description: str

    @property
    def nombre(self) -> bool:
        return TYPES[self.data_type][1] != "string"


@cache
def colonnes(modele: str) -> tuple[Colonne, ...]:
    """The columns of the mart `modele`, in its contract's order."""
    for path in sorted(MARTS.rglob("_*__models.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []:
            if model["name"] == modele:
                return tuple(
                    Colonne(c["name"], c["data_type"], c.get("description", ""))
                    for c in model["columns"]
                )
    raise KeyError(f"{modele} : aucun modèle de ce nom sous {MARTS}")
