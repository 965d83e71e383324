"""The territories' significant gaps, read from marts.comparaisons_territoriales: the
facts the territorial readings of the report and the territory sheets are written
from. A gap is kept when the territory test (two proportions, or clustered by jeune
for interventions and mobilisations; Holm across the seven territories) says so, the
cell is published, and its base holds at least alses.secret.SEUIL jeunes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alses.report.data import Ligne, ReportData
from alses.secret import SEUIL, est_masquee
from alses.territoires import DEPARTEMENT


@dataclass
class Ecart:
    indicateur: str
    territoire: str
    territoire_libelle: str
    modalite_libelle: str
    cellule: Ligne  # marts.indicateurs (the territory's share, its base)
    test: Ligne  # marts.comparaisons_territoriales (rest of the Nord, gap, jeunes)

    @property
    def points(self) -> float:
        return float(self.test.ecart_points)


def _ok(v) -> bool:
    return v is not None and not pd.isna(v)


def ecarts(data: ReportData, ind: str, territoire: str | None = None) -> list[Ecart]:
    """The significant gaps of one indicator (of one territory), largest first."""
    comp = data.comparaison(ind)
    comp = comp[comp.territoire_code.ne(DEPARTEMENT)]
    comp = comp[comp.est_significatif.fillna(False).astype(bool)]
    if territoire is not None:
        comp = comp[comp.territoire_code == territoire]
    out = []
    for r in comp.to_dict("records"):
        test = data.test(ind, r["modalite"], territoire=r["territoire_code"])
        row = data.cell(ind, r["modalite"], territoire=r["territoire_code"])
        if test is None or row is None or est_masquee(row) or not _ok(row.valeur):
            continue
        # the secret statistique's threshold, applied to the jeunes behind interventions
        if not _ok(test.grappes) or test.grappes < SEUIL:
            continue
        out.append(
            Ecart(
                ind,
                r["territoire_code"],
                r["territoire_libelle"],
                r["modalite_libelle"],
                row,
                test,
            )
        )
    return sorted(out, key=lambda e: -abs(e.points))


def par_territoire(gaps: list[Ecart], par: int = 2) -> dict[str, list[Ecart]]:
    """The gaps grouped by territory (at most `par` each, the largest), territories
    ordered by their largest gap."""
    out: dict[str, list[Ecart]] = {}
    for e in gaps:
        out.setdefault(e.territoire, [])
        if len(out[e.territoire]) < par:
            out[e.territoire].append(e)
    return out
