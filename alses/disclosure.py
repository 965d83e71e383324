"""Statistical disclosure control for every public output (report, territory sheets,
open data): one function, appliquer_secret.

PROVISIONAL VERSION (written for issue 11, the report): only the primary rule. The
issue-12 version, with secondary suppression and 0 %/100 % shares, replaces this file;
callers rely only on the interface below.
"""

from __future__ import annotations

import pandas as pd

#: Below the département, a cell counting 1 to SEUIL - 1 jeunes is not published.
SEUIL = 10
PRIMAIRE = "effectif inférieur à 10"

#: Counts of posts, educators and collèges are not counts of jeunes: never suppressed.
HORS_SECRET = {"postes_alses", "educateurs_alses", "colleges_couverts"}

_SUPPRIMES = ["numerateur", "denominateur", "valeur", "valeur_n_1", "evolution_points", "rang"]


def _petit(serie: pd.Series) -> pd.Series:
    s = pd.to_numeric(serie, errors="coerce")
    return s.notna() & (s >= 1) & (s < SEUIL)


def appliquer_secret(cellules: pd.DataFrame) -> pd.DataFrame:
    """The rows of marts.indicateurs, same order and index, plus `secret_statistique`
    (None when publishable, else the French reason); on suppressed rows the figures
    (numerateur, denominateur, valeur, valeur_n_1, evolution_points, rang) are missing.

    Primary rule: below the département ('NORD' rows are never suppressed), a cell
    whose numerator or base counts 1 to 9 is suppressed. A previous-year value is
    dropped too when the previous year's cell is suppressed (when that year is among
    the rows given).
    """
    out = cellules.copy()
    sous_dep = out["territoire_code"] != "NORD"
    petit = _petit(out["numerateur"]) | _petit(out["denominateur"])
    supprime = sous_dep & petit & ~out["indicateur"].isin(HORS_SECRET)
    out["secret_statistique"] = pd.Series(
        [PRIMAIRE if s else None for s in supprime], index=out.index, dtype=object
    )
    for col in _SUPPRIMES:
        if col in out.columns:
            out[col] = out[col].astype("Float64" if col != "rang" else "Int64")
            out.loc[supprime, col] = pd.NA
    # The previous year's cell, when it is in the input and suppressed.
    cle = ["perimetre", "territoire_code", "indicateur", "modalite"]
    annees = sorted(out["annee_scolaire"].dropna().unique())
    precedente = {a: b for b, a in zip(annees, annees[1:], strict=False)}
    supp = out.loc[supprime, ["annee_scolaire", *cle]]
    if not supp.empty and precedente:
        masque = set(map(tuple, supp.itertuples(index=False, name=None)))
        prev_cle = [
            (precedente.get(a), *rest)
            for a, *rest in out[["annee_scolaire", *cle]].itertuples(index=False, name=None)
        ]
        prev_supprime = pd.Series([k in masque for k in prev_cle], index=out.index)
        for col in ("valeur_n_1", "evolution_points"):
            if col in out.columns:
                out.loc[prev_supprime, col] = pd.NA
    return out
