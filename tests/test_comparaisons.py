"""marts.comparaisons_territoriales: the statistics checked on values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alses.comparaisons import (
    comparer,
    holm,
    holm_par_groupe,
    wilson,
    z_deux_proportions,
    z_vectorise,
)


def test_wilson_interval_of_8_out_of_10():
    # Wilson (1927): p = 0.8, n = 10, z = 1.959964 → [0.4902, 0.9433]
    bas, haut = wilson([8, 0], [10, 0])
    assert bas[0] == pytest.approx(49.02, abs=0.01)
    assert haut[0] == pytest.approx(94.33, abs=0.01)
    assert math.isnan(bas[1]) and math.isnan(haut[1])


def test_two_proportion_z_test_by_hand():
    # 45/100 against 30/100: pooled 0.375, se = sqrt(.375 * .625 * 2 / 100)
    z, p = z_deux_proportions(45, 100, 30, 100)
    se = math.sqrt(0.375 * 0.625 * 0.02)
    assert z == pytest.approx(0.15 / se, rel=1e-9)
    assert p == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-9)
    assert z_deux_proportions(0, 10, 0, 30) == (0.0, 1.0)
    assert all(math.isnan(x) for x in z_deux_proportions(3, 0, 4, 10))


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 → 3 × 0.01, max(2 × 0.03, .03), max(1 × 0.04, .06)
    out = holm(pd.Series([0.04, 0.01, float("nan"), 0.03]))
    assert list(out.round(6).fillna(-1)) == [0.06, 0.03, -1, 0.06]


def test_holm_per_group_agrees_with_holm_on_each_group():
    rng = np.random.default_rng(7)
    n = 400
    p = pd.Series(rng.choice([0.001, 0.02, 0.04, 0.3, 0.9, np.nan], n) * rng.uniform(0.5, 1, n))
    groupes = pd.DataFrame({"a": rng.integers(0, 5, n), "b": rng.choice(["x", "y", None], n)})
    out = holm_par_groupe(p, groupes)
    attendu = pd.concat(
        holm(g) for _, g in p.groupby([groupes.a, groupes.b.fillna("∅")], group_keys=False)
    ).sort_index()
    assert out.equals(attendu)  # the same floats, NaN where the p-value is missing
    assert out.notna().sum() == p.notna().sum() > 0


def _cells(valeurs):
    rows = []
    for code, n, d in valeurs:
        rows.append(
            {
                "annee_scolaire": "2021-2022",
                "perimetre": "ALSES",
                "territoire_code": code,
                "territoire_libelle": code,
                "indicateur": "sexe",
                "modalite": "F",
                "modalite_libelle": "Féminin",
                "numerateur": n,
                "denominateur": d,
                "valeur": 100 * n / d if d else None,
                "unite": "pct",
            }
        )
    return pd.DataFrame(rows)


def test_territory_against_the_rest_of_the_nord():
    # NORD 300/600; A 90/120 (rest 210/480); B 50/100 (rest 250/500); C 0/0
    out = comparer(_cells([("NORD", 300, 600), ("A", 90, 120), ("B", 50, 100), ("C", 0, 0)]))
    a = out[out.territoire_code == "A"].iloc[0]
    assert (a.reste_numerateur, a.reste_denominateur) == (210, 480)
    assert a.reste_valeur == pytest.approx(43.75)
    assert a.ecart_points == pytest.approx(75 - 43.75)
    z, p = z_deux_proportions(90, 120, 210, 480)
    assert a.statistique_z == pytest.approx(z) and a.p_valeur == pytest.approx(p)
    pb = z_deux_proportions(50, 100, 250, 500)[1]
    # Holm over the two testable territories (C has no base)
    assert a.p_valeur_holm == pytest.approx(min(1, 2 * p))
    assert a.est_significatif and a.sens == "supérieur"
    b = out[out.territoire_code == "B"].iloc[0]
    assert b.p_valeur_holm == pytest.approx(max(pb, min(1, 2 * p)))
    assert not b.est_significatif and b.sens == "non significatif"
    c = out[out.territoire_code == "C"].iloc[0]
    assert pd.isna(c.p_valeur) and pd.isna(c.sens) and pd.isna(c.ic95_bas)
    nord = out[out.territoire_code == "NORD"].iloc[0]
    assert pd.isna(nord.p_valeur) and nord.ic95_bas < 50 < nord.ic95_haut


def test_small_difference_on_a_small_territory_is_not_significant():
    # 8/10 looks far above 50 %, but on 10 jeunes against 490/990 it is not, once
    # corrected across territories
    out = comparer(_cells([("NORD", 500, 1000), ("A", 8, 10), ("B", 150, 300), ("D", 342, 690)]))
    a = out[out.territoire_code == "A"].iloc[0]
    assert a.p_valeur < 0.10 and a.p_valeur_holm > 0.05 and a.sens == "non significatif"


#: Counts (n1, d1, n2, d2) of every kind: ordinary, tiny, a base of 0, both shares at
#: 0 % or at 100 %, one share at 0 % or 100 %, a national-scale base.
CAS = [
    (45, 100, 30, 100),
    (3, 12, 200, 900),
    (0, 10, 0, 30),
    (10, 10, 5, 5),
    (4, 0, 3, 9),
    (0, 7, 3, 9),
    (7, 7, 3, 9),
    (1, 3, 2, 3),
    (8, 10, 490, 990),
    (12_345, 73_010, 98_765, 653_480),
]


def test_the_tests_and_intervals_are_statsmodels_to_the_last_bit():
    """The mart's and the report's statistics are statsmodels' own, written out with
    scipy.special (alses/comparaisons.py): the same floats, not close ones."""
    from statsmodels.stats.proportion import proportion_confint, proportions_ztest

    z, p = z_vectorise(*zip(*CAS, strict=True))
    for i, (n1, d1, n2, d2) in enumerate(CAS):
        if d1 <= 0 or d2 <= 0:
            attendu = (math.nan, math.nan)
        elif n1 + n2 in (0, d1 + d2):
            attendu = (0.0, 1.0)  # nothing to test (statsmodels divides 0 by 0)
        else:
            zs, ps = proportions_ztest([n1, n2], [d1, d2], alternative="two-sided")
            attendu = (float(zs), float(ps))
        for obtenu in ((float(z[i]), float(p[i])), z_deux_proportions(n1, d1, n2, d2)):
            assert np.array_equal(obtenu, attendu, equal_nan=True), (CAS[i], obtenu, attendu)
    n = np.array([c[0] for c in CAS] + [c[2] for c in CAS], dtype=float)
    d = np.array([c[1] for c in CAS] + [c[3] for c in CAS], dtype=float)
    bas, haut = wilson(n, d)
    ok = d > 0
    lo, hi = proportion_confint(n[ok], d[ok], alpha=0.05, method="wilson")
    assert np.array_equal(bas[ok], 100 * np.asarray(lo))
    assert np.array_equal(haut[ok], 100 * np.asarray(hi))
    assert np.isnan(bas[~ok]).all() and np.isnan(haut[~ok]).all()


def test_holm_agrees_with_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = pd.Series([0.001, 0.2, 0.04, 0.04, 0.5, 0.013, 0.9])
    assert list(holm(p)) == pytest.approx(list(multipletests(p, method="holm")[1]))


def _unites_en_grappes(seed: int = 3) -> pd.DataFrame:
    """Unit rows (year, territory, jeune, 0/1) where a jeune brings 1 to 12 units that
    share his propensity: clustered data, with jeunes present both years."""
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(160):
        terr = "A" if j < 60 else "B"
        base = 0.55 if terr == "A" else 0.4
        propension = np.clip(base + rng.normal(0, 0.3), 0.02, 0.98)
        annees = ["2021-2022"] + (["2020-2021"] if j % 3 else [])
        for annee in annees:
            for _ in range(rng.integers(1, 13)):
                rows.append((annee, terr, f"j{j}", int(rng.random() < propension)))
    return pd.DataFrame(rows, columns=["annee_scolaire", "territoire_code", "jeune", "y"])


def _cellules_et_grappes(u: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """marts.indicateurs cells and int_comparaisons__grappes rows of the units `u`,
    summed per jeune by hand (the SQL model's sums)."""
    cells, moments = [], []
    for (annee, niveau), g in pd.concat(
        [u.assign(niveau=u.territoire_code), u.assign(niveau="NORD")]
    ).groupby(["annee_scolaire", "niveau"]):
        pj = g.groupby("jeune").y.agg(["sum", "size"])
        y, m = pj["sum"], pj["size"]
        cle = {"annee_scolaire": annee, "perimetre": "ALSES", "territoire_code": niveau}
        cle |= {"indicateur": "lieu"}
        cells.append(
            cle
            | {
                "territoire_libelle": niveau,
                "modalite": "ETAB",
                "modalite_libelle": "Établissement",
                "numerateur": int(y.sum()),
                "denominateur": int(m.sum()),
                "valeur": 100 * y.sum() / m.sum(),
                "unite": "pct",
            }
        )
        autre = "2020-2021" if annee == "2021-2022" else None
        prev = u[(u.annee_scolaire == autre)]
        prev = prev if niveau == "NORD" else prev[prev.territoire_code == niveau]
        p0 = prev.groupby("jeune").y.agg(["sum", "size"]).reindex(pj.index).fillna(0)
        moments.append(
            cle
            | {
                "modalite": "ETAB",
                "somme_yy": float((y * y).sum()),
                "somme_ym": float((y * m).sum()),
                "croise_yy": float((y * p0["sum"]).sum()),
                "croise_ym": float((y * p0["size"]).sum()),
                "croise_my": float((m * p0["sum"]).sum()),
            }
        )
        moments.append(
            cle
            | {
                "modalite": "*",
                "grappes": len(pj),
                "somme_mm": float((m * m).sum()),
                "grappes_communes": int((p0["size"] > 0).sum()),
                "croise_mm": float((m * p0["size"]).sum()),
            }
        )
    return pd.DataFrame(cells), pd.DataFrame(moments)


def test_clustered_tests_are_statsmodels_ols_with_clusters_by_jeune():
    """Interventions cluster by jeune: the territory test and the year-on-year test are
    statsmodels' OLS of the unit's 0/1 on the group, cov_type="cluster" by jeune — the
    year-on-year one with the jeunes present both years as one cluster each."""
    import statsmodels.api as sm

    u = _unites_en_grappes()
    cells, grappes = _cellules_et_grappes(u)
    out = comparer(cells, grappes)
    a = out[(out.territoire_code == "A") & (out.annee_scolaire == "2021-2022")].iloc[0]
    assert a.methode == "Wald, variance robuste par jeune"
    cette_annee = u[u.annee_scolaire == "2021-2022"]
    x = sm.add_constant((cette_annee.territoire_code == "A").astype(float))
    fit = sm.OLS(cette_annee.y.astype(float), x).fit(
        cov_type="cluster", cov_kwds={"groups": cette_annee.jeune.str[1:].astype(int)}
    )
    assert a.statistique_z == pytest.approx(fit.tvalues.iloc[1], rel=1e-9)
    assert a.p_valeur == pytest.approx(fit.pvalues.iloc[1], rel=1e-9)
    # the naive test on the same counts is far more confident
    naif = z_deux_proportions(
        a.numerateur, a.denominateur, a.reste_numerateur, a.reste_denominateur
    )
    assert naif[1] < a.p_valeur / 5

    nord = out[(out.territoire_code == "NORD") & (out.annee_scolaire == "2021-2022")].iloc[0]
    x = sm.add_constant((u.annee_scolaire == "2021-2022").astype(float))
    fit = sm.OLS(u.y.astype(float), x).fit(
        cov_type="cluster", cov_kwds={"groups": u.jeune.str[1:].astype(int)}
    )
    assert nord.p_valeur_evolution == pytest.approx(fit.pvalues.iloc[1], rel=1e-9)
    assert nord.grappes == 160


def test_jeune_level_shares_keep_the_two_proportion_test():
    # one unit per jeune: the moments say so, and the z-test of two proportions stays
    out = comparer(_cells([("NORD", 300, 600), ("A", 90, 120), ("B", 210, 480)]))
    a = out[out.territoire_code == "A"].iloc[0]
    assert a.methode == "z de deux proportions"
    assert a.p_valeur == pytest.approx(z_deux_proportions(90, 120, 210, 480)[1])


def test_cluster_moments_agree_with_the_counts_of_the_mart(demo_warehouse):
    """int_comparaisons__grappes sums the units of marts.indicateurs per jeune: over the
    modalities of a distribution, Σ y·m is Σ m² (each unit has one modality); a jeune
    brings one unit to a jeune-level share, several to an intervention share."""
    import duckdb

    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select g.indicateur, g.grappes, g.somme_mm, i.denominateur,
                (select sum(somme_ym) from intermediate.int_comparaisons__grappes as m
                 where m.annee_scolaire = g.annee_scolaire and m.perimetre = g.perimetre
                 and m.territoire_code = g.territoire_code
                 and m.indicateur = g.indicateur and m.modalite <> '*') as somme_ym
            from intermediate.int_comparaisons__grappes as g
            inner join marts.indicateurs as i
                on i.annee_scolaire = g.annee_scolaire and i.perimetre = g.perimetre
                and i.territoire_code = g.territoire_code and i.indicateur = g.indicateur
            where g.modalite = '*' and g.perimetre = 'ALSES' and g.territoire_code = 'NORD'
                and g.annee_scolaire = '2021-2022'
                and i.modalite = (select min(modalite) from marts.indicateurs as k
                    where k.indicateur = g.indicateur and k.annee_scolaire = g.annee_scolaire)
            """
        ).df()
    r = rows.set_index("indicateur")
    assert r.loc["sexe", "grappes"] == r.loc["sexe", "denominateur"] == r.loc["sexe", "somme_mm"]
    assert r.loc["sexe", "somme_ym"] == r.loc["sexe", "somme_mm"]
    assert r.loc["lieu", "somme_ym"] == r.loc["lieu", "somme_mm"] > r.loc["lieu", "denominateur"]
    assert r.loc["lieu", "grappes"] < r.loc["lieu", "denominateur"] / 3
