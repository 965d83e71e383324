"""Honest comparisons of the shares of marts.indicateurs (unite 'pct', data quality
aside), for every school year, scope and modality, with Wilson 95 % intervals:

- each territory against the rest of the Nord (département minus the territory), Holm
  across the territories of the same modality;
- each cell against the same cell of the previous school year, Holm across the
  modalities of the indicator;
- the ALSES against the rest of the Prévention Spécialisée (Nord).

The test depends on what a share counts. When every unit of its base is a different
jeune (sexe, classe, demande principale…), the territory and ALSES tests are the
two-proportion z-test (pooled, two-sided). When a jeune brings several units
(interventions, objectives, mobilisations, partners), those units are not independent:
the test is a Wald test with a variance robust to clustering by jeune — the OLS of the
unit's 0/1 on the group with statsmodels' cov_type="cluster" (groups: the jeune), written
with the per-jeune sums of int_comparaisons__grappes. The year-on-year test is that
clustered test for every share: a jeune present both years is one cluster, so the
overlap of the two years counts. The dbt Python model marts.comparaisons_territoriales
calls `comparer` (on PostgreSQL, `ecrire_comparaisons`, from the Dagster dbt asset); the
report calls a gap significant only from these columns.

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
    "methode",
    "grappes",
    "evolution_points",
    "p_valeur_evolution",
    "p_valeur_evolution_holm",
    "evolution_significative",
    "ps_reste_valeur",
    "ps_p_valeur",
    "ps_sens",
]
#: The two tests of a gap, as the method box and the column `methode` name them.
METHODES = {
    False: "z de deux proportions",
    True: "Wald, variance robuste par jeune",
}
MOMENTS = ["somme_yy", "somme_ym", "croise_yy", "croise_ym", "croise_my"]
BASES = ["grappes", "somme_mm", "grappes_communes", "croise_mm"]


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


def variance_grappes(n, d, syy, sym, smm) -> np.ndarray:
    """Σ (y - p·m)² / M² over the jeunes of a cell (p = n / d): the clustered sandwich
    of the share, before the small-sample factor."""
    n, d, syy, sym, smm = (np.asarray(a, dtype=float) for a in (n, d, syy, sym, smm))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = n / d
        return (syy - 2 * p * sym + p * p * smm) / (d * d)


def wald_grappes(p1, p2, variance, grappes, unites) -> tuple[np.ndarray, np.ndarray]:
    """(z, two-sided p) of p1 - p2 with a clustered variance: statsmodels' factor
    G / (G - 1) · (N - 1) / (N - 2) (G jeunes, N units, two parameters); (0, 1) when
    the variance is 0 (both shares 0 % or 100 %), NaN when a base is empty."""
    g = np.asarray(grappes, dtype=float)
    n = np.asarray(unites, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        facteur = g / (g - 1) * (n - 1) / (n - 2)
        v = facteur * np.asarray(variance, dtype=float)
        z = (np.asarray(p1, dtype=float) - np.asarray(p2, dtype=float)) / np.sqrt(v)
    nul = np.isfinite(v) & (v <= 1e-15)
    z = np.where(nul, 0.0, np.where(np.isfinite(v) & (g > 1) & (n > 2), z, np.nan))
    pv = np.where(np.isnan(z), np.nan, 2 * ndtr(-np.abs(z)))
    return z, np.where(nul, 1.0, pv)


def comparer(indicateurs: pd.DataFrame, grappes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (year, scope, territory incl. NORD, indicator, modality) of the shares
    of marts.indicateurs, with the interval, the territory test (territories), the
    year-on-year test and, for ALSES in the Nord, the test against the rest of the PS.
    `grappes`: int_comparaisons__grappes (None: every unit taken as a jeune)."""
    df = indicateurs[
        (indicateurs["unite"] == "pct") & (indicateurs["indicateur"] != "taux_renseignement")
    ].copy()
    if grappes is None:
        grappes = pd.DataFrame(columns=[*CLE, "territoire_code", *MOMENTS, *BASES])
    g = grappes.copy()
    cle_t = ["annee_scolaire", "perimetre", "territoire_code", "indicateur"]
    mod = g[g["modalite"] != "*"][[*cle_t, "modalite", *MOMENTS]]
    base = g[g["modalite"] == "*"][[*cle_t, *BASES]]
    df = df.merge(mod, on=[*cle_t, "modalite"], how="left").merge(base, on=cle_t, how="left")
    n = pd.to_numeric(df["numerateur"]).fillna(0).astype("int64")
    d = pd.to_numeric(df["denominateur"]).fillna(0).astype("int64")
    df["numerateur"], df["denominateur"] = n, d
    # Without moments (no clusters known): each unit its own jeune.
    df["grappes"] = df["grappes"].astype("Float64").fillna(d.astype(float)).astype(float)
    for c, defaut in (("somme_yy", n), ("somme_ym", n), ("somme_mm", d)):
        df[c] = df[c].astype("Float64").fillna(defaut.astype(float)).astype(float)
    for c in ("croise_yy", "croise_ym", "croise_my", "croise_mm", "grappes_communes"):
        df[c] = df[c].astype("Float64").fillna(0.0).astype(float)
    df["variance"] = variance_grappes(n, d, df.somme_yy, df.somme_ym, df.somme_mm)
    # A share is clustered when a jeune of its Nord base brings several units.
    est_nord = df["territoire_code"] == DEPARTEMENT
    en_grappes = (
        df[est_nord & (df.somme_mm > df.grappes)]
        .groupby(["annee_scolaire", "perimetre", "indicateur"])
        .size()
        .rename("_g")
    )
    df = df.merge(en_grappes, on=["annee_scolaire", "perimetre", "indicateur"], how="left")
    df["en_grappes"] = df.pop("_g").notna()
    df["methode"] = df["en_grappes"].map(METHODES)

    # territory against the rest of the Nord (the département minus the territory)
    nord = df[df["territoire_code"] == DEPARTEMENT]
    cols = ["numerateur", "denominateur", "somme_yy", "somme_ym", "somme_mm", "grappes"]
    df = df.merge(
        nord[[*CLE, *cols]].rename(columns={c: f"tot_{c}" for c in cols}), on=CLE, how="left"
    )
    est_terr = df["territoire_code"] != DEPARTEMENT
    rn = (df["tot_numerateur"].fillna(0) - n).clip(lower=0).astype("int64")
    rd = (df["tot_denominateur"].fillna(0) - d).clip(lower=0).astype("int64")
    df["reste_numerateur"] = rn.where(est_terr).astype("Int64")
    df["reste_denominateur"] = rd.where(est_terr).astype("Int64")
    df["reste_valeur"] = (100 * rn / rd.where(rd > 0)).where(est_terr)
    # Wilson on the effective base d / deff when units cluster (Kish's design effect
    # of the clustered variance, at least 1): the whiskers agree with the test.
    with np.errstate(divide="ignore", invalid="ignore"):
        p_ = n / d
        deff = (df.variance * df.grappes / (df.grappes - 1)) / (p_ * (1 - p_) / d)
        deff = np.where(df.en_grappes & np.isfinite(deff), np.maximum(deff, 1.0), 1.0)
    df["ic95_bas"], df["ic95_haut"] = wilson(n / deff, d / deff)
    df.loc[d == 0, ["ic95_bas", "ic95_haut"]] = np.nan
    z, pv = z_vectorise(n, d, rn, rd)
    v_reste = variance_grappes(
        rn,
        rd,
        df.tot_somme_yy - df.somme_yy,
        df.tot_somme_ym - df.somme_ym,
        df.tot_somme_mm - df.somme_mm,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        zg, pg = wald_grappes(
            n / d, rn / rd, df.variance + v_reste, df.tot_grappes, df.tot_denominateur
        )
    vide = (d <= 0) | (rd <= 0)
    zg, pg = np.where(vide, np.nan, zg), np.where(vide, np.nan, pg)
    z, pv = np.where(df.en_grappes, zg, z), np.where(df.en_grappes, pg, pv)
    df["statistique_z"] = np.where(est_terr, z, np.nan)
    df["p_valeur"] = np.where(est_terr, pv, np.nan)
    df["ecart_points"] = (df["valeur"] - df["reste_valeur"]).where(est_terr)
    df["p_valeur_holm"] = holm_par_groupe(df["p_valeur"].where(est_terr), df[CLE])
    sig = (df["p_valeur_holm"] < ALPHA) & df["ecart_points"].notna()
    df["est_significatif"] = sig.where(df["p_valeur_holm"].notna()).astype("boolean")
    df["sens"] = _sens(sig, df["ecart_points"], df["p_valeur_holm"])

    # the same cell the previous year; a jeune present both years is one cluster
    cle_c = ["perimetre", "territoire_code", "indicateur", "modalite"]
    prec = df[["annee_scolaire", *cle_c, "numerateur", "denominateur", "variance", "grappes"]]
    prec = prec.assign(annee_scolaire=prec["annee_scolaire"].map(_suivante)).rename(
        columns={"numerateur": "n0", "denominateur": "d0", "variance": "v0", "grappes": "g0"}
    )
    df = df.merge(prec, on=["annee_scolaire", *cle_c], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p0 = n / d, df.n0 / df.d0
        cov = (df.croise_yy - p0 * df.croise_ym - p1 * df.croise_my + p1 * p0 * df.croise_mm) / (
            d * df.d0
        )
    _, pe = wald_grappes(
        p1, p0, df.variance + df.v0 - 2 * cov, df.grappes + df.g0 - df.grappes_communes, d + df.d0
    )
    pe = np.where(df.d0.fillna(0) > 0, pe, np.nan)
    if "evolution_points" not in df:
        df["evolution_points"] = (100 * (p1 - p0)).where(df.d0.fillna(0) > 0)
    df["p_valeur_evolution"] = pe
    groupes = df[["annee_scolaire", "perimetre", "territoire_code", "indicateur"]]
    df["p_valeur_evolution_holm"] = holm_par_groupe(df["p_valeur_evolution"], groupes)
    df["evolution_significative"] = (
        (df["p_valeur_evolution_holm"] < ALPHA)
        .where(df["p_valeur_evolution_holm"].notna())
        .astype("boolean")
    )

    # ALSES against the rest of the Prévention Spécialisée (Nord)
    ps = df[(df.territoire_code == DEPARTEMENT) & (df.perimetre == "PS")]
    ps = ps[["annee_scolaire", "indicateur", "modalite", "numerateur", "denominateur"]]
    ps = ps.rename(columns={"numerateur": "ps_n", "denominateur": "ps_d"})
    autres = g[(g["perimetre"] == "AUTRES_PS") & (g["territoire_code"] == DEPARTEMENT)]
    am = autres[autres["modalite"] != "*"][
        ["annee_scolaire", "indicateur", "modalite", "somme_yy", "somme_ym"]
    ]
    ab = autres[autres["modalite"] == "*"][["annee_scolaire", "indicateur", "grappes", "somme_mm"]]
    am = am.rename(columns={"somme_yy": "a_yy", "somme_ym": "a_ym"})
    ab = ab.rename(columns={"grappes": "a_g", "somme_mm": "a_mm"})
    cle_ps = ["annee_scolaire", "indicateur", "modalite"]
    df = df.merge(ps, on=cle_ps, how="left").merge(am, on=cle_ps, how="left")
    df = df.merge(ab, on=["annee_scolaire", "indicateur"], how="left")
    est_alses_nord = (df.territoire_code == DEPARTEMENT) & (df.perimetre == "ALSES")
    an = (df.ps_n - n).clip(lower=0)
    ad = (df.ps_d - d).clip(lower=0)
    zp, pp = z_vectorise(n, d, an.fillna(0), ad.fillna(0))
    with np.errstate(divide="ignore", invalid="ignore"):
        va = variance_grappes(an, ad, df.a_yy.fillna(0), df.a_ym.fillna(0), df.a_mm)
        _, pg = wald_grappes(n / d, an / ad, df.variance + va, df.grappes + df.a_g, d + ad)
    pp = np.where(df.en_grappes, pg, pp)
    garde = est_alses_nord & df.ps_d.notna() & (ad > 0) & (d > 0)
    df["ps_reste_valeur"] = (100 * an / ad).where(garde)
    df["ps_p_valeur"] = pd.Series(pp, index=df.index).where(garde)
    sig_ps = df["ps_p_valeur"] < ALPHA
    df["ps_sens"] = _sens(sig_ps, df["valeur"] - df["ps_reste_valeur"], df["ps_p_valeur"])

    df["grappes"] = df["grappes"].round().astype("Int64")
    return (
        df[COLONNES]
        .sort_values(["annee_scolaire", "perimetre", "indicateur", "modalite", "territoire_code"])
        .reset_index(drop=True)
    )


def _suivante(annee: str) -> str:
    debut = int(annee[:4])
    return f"{debut + 1}-{debut + 2}"


def _sens(sig: pd.Series, ecart: pd.Series, p: pd.Series) -> pd.Series:
    sens = np.select(
        [sig & (ecart > 0), sig & (ecart < 0), p.notna()],
        ["supérieur", "inférieur", "non significatif"],
        default=None,
    )
    out = pd.Series(sens, index=sig.index).astype(object)
    return out.where(out.notna(), None)


def ecrire_comparaisons(manifest: Path) -> int:
    """marts.comparaisons_territoriales on PostgreSQL, where dbt runs no Python model: the
    same `comparer` on marts.indicateurs, written through alses/engine.py with the
    descriptions of the dbt model (read from dbt's `manifest`). Returns the row count."""
    from alses import engine
    from alses.sql import identifier, literal

    nodes = json.loads(Path(manifest).read_text(encoding="utf-8"))["nodes"]
    node = next(n for n in nodes.values() if n["name"] == "comparaisons_territoriales")
    with engine.connect(read_only=False) as con:
        resultat = comparer(
            con.execute("select * from marts.indicateurs").df(),
            con.execute("select * from intermediate.int_comparaisons__grappes").df(),
        )
        engine.write_df(con, "marts", "comparaisons_territoriales", resultat)
        table = "marts.comparaisons_territoriales"
        con.execute(f"comment on table {table} is {literal(node['description'].strip())}")
        for col, doc in node["columns"].items():
            con.execute(
                f"comment on column {table}.{identifier(col)} is "
                f"{literal(doc['description'].strip())}"
            )
    return len(resultat)
