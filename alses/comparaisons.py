"""Honest territory comparisons: each territory against the rest of the Nord.

For every share of marts.indicateurs (unite 'pct', data quality aside), every school
year, scope and modality: a two-proportion z-test (pooled, two-sided) of
the territory against the rest of the département (département minus the territory),
a Holm correction across the territories of the same modality, and Wilson 95 %
intervals for every cell. The dbt Python model marts.comparaisons_territoriales calls
`comparer` (on PostgreSQL, `ecrire_comparaisons`, from the Dagster dbt asset); the
report calls a territory above or below only when `est_significatif`.

The test and the interval are statsmodels' (`proportions_ztest`, `proportion_confint`
method "wilson"), written out with scipy.special's normal distribution: the same
operations in the same order, so the same floats (tests/test_comparaisons.py compares
them with statsmodels' exactly). Importing statsmodels and scipy.stats cost ≈ 1.3 s in
every process that computes the mart or renders a report.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from alses.territoires import DEPARTEMENT

ALPHA = 0.05
#: The two-sided critical value of the normal law: scipy's norm.isf(ALPHA / 2).
CRITIQUE = -ndtri(ALPHA / 2.0)
CLE = ["annee_scolaire", "perimetre", "indicateur", "modalite"]
COLONNES = [
    "annee_scolaire",
    "perimetre",
    "territoire_code",
    "territoire_libelle",
    "indicateur",
    "modalite",
    "modalite_libelle",
    "numerateur",
    "denominateur",
    "valeur",
    "ic95_bas",
    "ic95_haut",
    "reste_numerateur",
    "reste_denominateur",
    "reste_valeur",
    "ecart_points",
    "statistique_z",
    "p_valeur",
    "p_valeur_holm",
    "est_significatif",
    "sens",
]


def wilson(numerateur, denominateur) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95 % interval of numerateur / denominateur, in percent (NaN where the
    base is 0): statsmodels' proportion_confint(method="wilson"), clipped to 0–100."""
    n = np.asarray(numerateur, dtype=float)
    d = np.asarray(denominateur, dtype=float)
    ok = d > 0
    bas = np.full(n.shape, np.nan)
    haut = np.full(n.shape, np.nan)
    if ok.any():
        nobs = d[ok]
        q = n[ok] / nobs
        crit2 = CRITIQUE**2
        denom = 1 + crit2 / nobs
        center = (q + crit2 / (2 * nobs)) / denom
        dist = CRITIQUE * np.sqrt(q * (1.0 - q) / nobs + crit2 / (4.0 * nobs**2))
        dist /= denom
        bas[ok] = 100 * np.clip(center - dist, 0, 1)
        haut[ok] = 100 * np.clip(center + dist, 0, 1)
    return bas, haut


def z_deux_proportions(n1: int, d1: int, n2: int, d2: int) -> tuple[float, float]:
    """(z, two-sided p) of the pooled z-test of n1/d1 against n2/d2; (nan, nan) when a
    base is 0; (0, 1) when both shares are 0 % or both 100 % (nothing to test)."""
    z, p = z_vectorise([n1], [d1], [n2], [d2])
    return float(z[0]), float(p[0])


def z_vectorise(n1, d1, n2, d2) -> tuple[np.ndarray, np.ndarray]:
    """The pooled test of statsmodels' proportions_ztest (two samples, two-sided) over
    arrays: the mart has thousands of cells."""
    n1, d1, n2, d2 = (np.asarray(a, dtype=float) for a in (n1, d1, n2, d2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = n1 / d1, n2 / d2
        pool = (n1 + n2) / (d1 + d2)
        se = np.sqrt(pool * (1 - pool) * (1 / d1 + 1 / d2))
        z = (p1 - p2) / se
    pv = 2 * ndtr(-np.abs(z))  # scipy's norm.sf(|z|)
    nul = (d1 > 0) & (d2 > 0) & ((n1 + n2 == 0) | (n1 + n2 == d1 + d2))
    z = np.where(nul, 0.0, z)
    pv = np.where(nul, 1.0, pv)
    vide = (d1 <= 0) | (d2 <= 0)
    return np.where(vide, np.nan, z), np.where(vide, np.nan, pv)


def holm(p_valeurs: pd.Series) -> pd.Series:
    """Holm-adjusted p-values over the non-missing ones (missing stay missing).

    Written out (sort, multiply by m - i, running maximum, cap at 1) rather than
    statsmodels' multipletests, which runs a full gc.collect() on every call: 0.1 s
    each, minutes for the mart inside the dbt process. A test checks both agree."""
    out = pd.Series(np.nan, index=p_valeurs.index)
    ok = p_valeurs.notna().to_numpy()
    p = p_valeurs.to_numpy(dtype=float)[ok]
    if p.size:
        ordre = np.argsort(p, kind="stable")
        ajuste = np.minimum(1.0, np.maximum.accumulate(p[ordre] * (p.size - np.arange(p.size))))
        res = np.empty_like(p)
        res[ordre] = ajuste
        out[ok] = res
    return out


def holm_par_groupe(p_valeurs: pd.Series, groupes: pd.DataFrame) -> pd.Series:
    """`holm` within each group of rows (same values of every column of `groupes`), for
    every group at once: the same products and running maximum, one sort instead of a
    Python call per group (thousands of groups at ×10). A test checks both agree."""
    out = pd.Series(np.nan, index=p_valeurs.index)
    ok = p_valeurs.notna().to_numpy()
    if not ok.any():
        return out
    t = groupes[ok].copy()
    t["_p"] = p_valeurs[ok].to_numpy(dtype=float)
    t["_g"] = t.groupby(list(groupes.columns), sort=False, dropna=False).ngroup()
    t = t.sort_values(["_g", "_p"], kind="stable")
    m = t.groupby("_g")["_p"].transform("size").to_numpy()
    rang = t.groupby("_g").cumcount().to_numpy()
    t["_x"] = t["_p"].to_numpy() * (m - rang)
    out[t.index] = np.minimum(1.0, t.groupby("_g")["_x"].cummax().to_numpy())
    return out


def comparer(indicateurs: pd.DataFrame) -> pd.DataFrame:
    """One row per (year, scope, territory incl. NORD, indicator, modality) of the shares
    of marts.indicateurs, with the interval and, for territories, the test."""
    df = indicateurs[
        (indicateurs["unite"] == "pct") & (indicateurs["indicateur"] != "taux_renseignement")
    ].copy()
    nord = df[df["territoire_code"] == DEPARTEMENT][[*CLE, "numerateur", "denominateur"]]
    nord = nord.rename(columns={"numerateur": "nord_n", "denominateur": "nord_d"})
    df = df.merge(nord, on=CLE, how="left")
    n = pd.to_numeric(df["numerateur"]).fillna(0).astype("int64")
    d = pd.to_numeric(df["denominateur"]).fillna(0).astype("int64")
    est_terr = df["territoire_code"] != DEPARTEMENT
    rn = (df["nord_n"].fillna(0).astype("int64") - n).clip(lower=0)
    rd = (df["nord_d"].fillna(0).astype("int64") - d).clip(lower=0)
    df["reste_numerateur"] = rn.where(est_terr).astype("Int64")
    df["reste_denominateur"] = rd.where(est_terr).astype("Int64")
    df["reste_valeur"] = (100 * rn / rd.where(rd > 0)).where(est_terr)
    df["ic95_bas"], df["ic95_haut"] = wilson(n, d)
    df.loc[d == 0, ["ic95_bas", "ic95_haut"]] = np.nan
    z, pv = z_vectorise(n, d, rn, rd)
    df["statistique_z"] = np.where(est_terr, z, np.nan)
    df["p_valeur"] = np.where(est_terr, pv, np.nan)
    df["ecart_points"] = (df["valeur"] - df["reste_valeur"]).where(est_terr)
    df["p_valeur_holm"] = holm_par_groupe(df["p_valeur"].where(est_terr), df[CLE])
    sig = (df["p_valeur_holm"] < ALPHA) & df["ecart_points"].notna()
    df["est_significatif"] = sig.where(df["p_valeur_holm"].notna()).astype("boolean")
    df["sens"] = np.select(
        [
            sig & (df["ecart_points"] > 0),
            sig & (df["ecart_points"] < 0),
            df["p_valeur_holm"].notna(),
        ],
        ["supérieur", "inférieur", "non significatif"],
        default=None,
    )
    df["sens"] = df["sens"].astype(object).where(df["sens"].notna(), None)
    df["numerateur"] = n.astype("int64")
    df["denominateur"] = d.astype("int64")
    return (
        df[COLONNES]
        .sort_values(["annee_scolaire", "perimetre", "indicateur", "modalite", "territoire_code"])
        .reset_index(drop=True)
    )


def ecrire_comparaisons(manifest: Path) -> int:
    """marts.comparaisons_territoriales on PostgreSQL, where dbt runs no Python model: the
    same `comparer` on marts.indicateurs, written through alses/engine.py with the
    descriptions of the dbt model (read from dbt's `manifest`). Returns the row count."""
    from alses import engine
    from alses.sql import identifier, literal

    nodes = json.loads(Path(manifest).read_text(encoding="utf-8"))["nodes"]
    node = next(n for n in nodes.values() if n["name"] == "comparaisons_territoriales")
    with engine.connect(read_only=False) as con:
        resultat = comparer(con.execute("select * from marts.indicateurs").df())
        engine.write_df(con, "marts", "comparaisons_territoriales", resultat)
        table = "marts.comparaisons_territoriales"
        con.execute(f"comment on table {table} is {literal(node['description'].strip())}")
        for col, doc in node["columns"].items():
            con.execute(
                f"comment on column {table}.{identifier(col)} is "
                f"{literal(doc['description'].strip())}"
            )
    return len(resultat)
