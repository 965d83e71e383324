"""The territory list, read from its one place: seeds/territoires.csv.

The seed (loaded by dbt as `core.dim_territoire`) lists the département (`ordre` 0,
code `NORD`) and the seven Directions Déléguées de Territoire in the report's order.
Python code that needs the list reads it here; SQL reads `dim_territoire`, and the
département's code enters SQL through one macro (`code_departement`,
dbt_project/macros/territoires.sql). tests/test_territoires.py checks the seed
against the contract's nomenclature field `territoire` and that macro against the
seed.
"""

from __future__ import annotations

import csv

from alses.settings import ROOT

SEED = ROOT / "seeds" / "territoires.csv"


def _read() -> list[dict[str, str]]:
    with open(SEED, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: int(r["ordre"]))
    departement = [r for r in rows if r["ordre"] == "0"]
    if len(departement) != 1:
        raise ValueError(f"{SEED} : une seule ligne d'ordre 0 (le département) est attendue")
    return rows


_ROWS = _read()

#: The département's code (`NORD`): the row of `ordre` 0.
DEPARTEMENT: str = _ROWS[0]["territoire_code"]

#: The territories' codes, in the report's order, the département left out.
TERRITOIRES: tuple[str, ...] = tuple(r["territoire_code"] for r in _ROWS[1:])

#: Code → libellé, the département first, then the territories in order.
LIBELLES: dict[str, str] = {r["territoire_code"]: r["territoire_libelle"] for r in _ROWS}
