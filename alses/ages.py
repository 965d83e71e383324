"""The age modalities and the age classes, with their bounds (age on 1 January): one
place, the seed `seeds/modalites_fixes.csv` (columns `age_min`, `age_max`, empty for
no bound). `core.fct_accompagnement` gives each jeune the modality and the class whose
bounds hold his age; the disclosure code's sums (a class is the sum of its ages) are
read here."""

from __future__ import annotations

import csv
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "modalites_fixes.csv"


def bornes(indicateur: str) -> dict[str, tuple[int | None, int | None]]:
    """{modality: (age_min, age_max)} of `indicateur` (`age` or `classe_age`), in the
    seed's order; None for no bound."""
    with SEED.open(encoding="utf-8", newline="") as f:
        return {
            row["modalite"]: (
                int(row["age_min"]) if row["age_min"] else None,
                int(row["age_max"]) if row["age_max"] else None,
            )
            for row in csv.DictReader(f)
            if row["indicateur"] == indicateur
        }


def ages_de_chaque_classe() -> dict[str, tuple[str, ...]]:
    """{age class: the age modalities it sums}, both in the seed's order."""
    ages = bornes("age")

    def dans(age: tuple[int | None, int | None], classe: tuple[int | None, int | None]):
        (a_min, a_max), (c_min, c_max) = age, classe
        bas = c_min is None or (a_min is not None and a_min >= c_min)
        haut = c_max is None or (a_max is not None and a_max <= c_max)
        return bas and haut

    return {
        classe: tuple(m for m, b in ages.items() if dans(b, limites))
        for classe, limites in bornes("classe_age").items()
    }
