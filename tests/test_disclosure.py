"""Disclosure control: primary, sensitive shares, secondary suppression and the LP audit,
on hand-made tables and on thousands of random ones (hypothesis)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alses.disclosure import (
    CLES,
    MOTIF_PRIMAIRE,
    MOTIF_SECONDAIRE,
    MOTIF_SENSIBLE,
    NON_JEUNES,
    SENSIBLES,
    appliquer_secret,
    auditer,
)

# CI: a hundred derandomized examples (about 15 s); ALSES_HYPOTHESIS_EXEMPLES=3000 for
# thousands. A decorator, not a global profile: other test modules keep theirs.
PROFIL = settings(
    max_examples=int(os.environ.get("ALSES_HYPOTHESIS_EXEMPLES", "100")),
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)


TERRITOIRES = ["CAM", "DOU", "VAL", "SAM", "LIL"]
UNIQUE, MULTI, SENSIBLE_UNIQUE, COMPTE = (
    "demande_principale",
    "mesure",
    "hebergement",
    "interventions",
)


def table(annees: dict[str, dict[str, dict[str, list[int]]]], bases=None) -> pd.DataFrame:
    """Cells like marts.indicateurs from {annee: {indicateur: {territoire: [n per modalite]}}};
    NORD is the sum of the territories; the base is the sum (single-valued) or given."""
    bases = bases or {}
    lignes = []
    for annee, indicateurs in annees.items():
        for ind, par_terr in indicateurs.items():
            par_terr = dict(par_terr)
            nb = len(next(iter(par_terr.values())))
            par_terr["NORD"] = [sum(v[m] for v in par_terr.values()) for m in range(nb)]
            for terr, ns in par_terr.items():
                unite = "nombre" if ind in (COMPTE, *NON_JEUNES) else "pct"
                if unite == "nombre":
                    d = None
                elif ind == MULTI:
                    d = bases.get((annee, terr))
                    if d is None:
                        d = sum(bases.get((annee, t), 0) for t in par_terr if t != "NORD")
                else:
                    d = sum(ns)
                for m, n in enumerate(ns):
                    valeur = float(n) if d is None else (100.0 * n / d if d else np.nan)
                    lignes.append(
                        {
                            "annee_scolaire": annee,
                            "perimetre": "ALSES",
                            "territoire_code": terr,
                            "territoire_libelle": terr,
                            "indicateur": ind,
                            "indicateur_libelle": ind,
                            "modalite": f"M{m}" if unite == "pct" else "TOTAL",
                            "modalite_libelle": f"M{m}",
                            "numerateur": n,
                            "denominateur": d,
                            "valeur": valeur,
                            "unite": unite,
                            "rang": None,
                        }
                    )
    df = pd.DataFrame(lignes)
    df["numerateur"] = df["numerateur"].astype("int64")
    df["denominateur"] = df["denominateur"].astype("Int64")
    df["rang"] = df["rang"].astype("Int64")
    prec = df.assign(
        annee_scolaire=df["annee_scolaire"].map(lambda a: f"{int(a[:4]) + 1}-{int(a[:4]) + 2}")
    )[[*CLES, "valeur"]].rename(columns={"valeur": "valeur_n_1"})
    df = df.merge(prec, on=CLES, how="left")
    df["evolution_points"] = np.where(df["unite"] == "pct", df["valeur"] - df["valeur_n_1"], np.nan)
    return df


def verifie(cellules: pd.DataFrame, publie: pd.DataFrame) -> None:
    assert list(publie.index) == list(cellules.index)
    sous_nord = cellules["territoire_code"] != "NORD"
    jeunes = ~cellules["indicateur"].isin(NON_JEUNES)
    petit = lambda s: s.notna() & (s >= 1) & (s <= 9)  # noqa: E731
    primaire = (
        sous_nord
        & jeunes
        & (petit(cellules["numerateur"]) | petit(cellules["denominateur"].astype("float")))
    )
    secret = publie["secret_statistique"]
    assert (secret[primaire] == MOTIF_PRIMAIRE).all()
    assert secret[~sous_nord].isna().all(), "le département n'est jamais supprimé"
    masque = secret.notna()
    for col in ("numerateur", "denominateur", "valeur", "valeur_n_1", "evolution_points", "rang"):
        assert publie.loc[masque, col].isna().all(), col
    # Published figures are the exact ones.
    assert (publie.loc[~masque, "numerateur"] == cellules.loc[~masque, "numerateur"]).all()
    # No 0 % / 100 % of a sensitive indicator by territory (unless the Nord shows it).
    nord = cellules[~sous_nord][[*CLES[:2], *CLES[3:], "numerateur", "denominateur"]]
    vus = cellules[~masque & sous_nord & cellules["indicateur"].isin(SENSIBLES)].merge(
        nord, on=[*CLES[:2], *CLES[3:]], suffixes=("", "_nord")
    )
    zero = vus["valeur"] == 0
    cent = vus["valeur"] == 100
    assert (vus.loc[zero, "numerateur_nord"] == 0).all()
    assert (vus.loc[cent, "numerateur_nord"] == vus.loc[cent, "denominateur_nord"]).all()
    # The previous year: never shown where it is suppressed.
    prec = publie[masque][CLES].assign(
        annee_scolaire=lambda d: d["annee_scolaire"].map(
            lambda a: f"{int(a[:4]) + 1}-{int(a[:4]) + 2}"
        )
    )
    suivants = publie.merge(prec, on=CLES, how="inner")
    assert suivants["valeur_n_1"].isna().all()
    # Nothing suppressed can be recomputed from what is published.
    recalculables = auditer(cellules, publie)
    assert recalculables.empty, recalculables.to_string()


def test_a_small_count_and_its_complements():
    cellules = table(
        {
            "2021-2022": {
                UNIQUE: {
                    "CAM": [40, 3, 25],
                    "DOU": [30, 20, 22],
                    "VAL": [50, 31, 18],
                }
            }
        }
    )
    publie = appliquer_secret(cellules)
    secret = publie.set_index(["territoire_code", "modalite"])["secret_statistique"]
    assert secret[("CAM", "M1")] == MOTIF_PRIMAIRE
    # Its row (CAM) and its column (M1) each need a second suppression...
    assert (secret.loc["CAM"] == MOTIF_SECONDAIRE).sum() >= 1
    assert (secret.xs("M1", level="modalite") == MOTIF_SECONDAIRE).sum() >= 1
    # ... and only that: the smallest complements, four cells in all.
    assert secret.notna().sum() == 4
    verifie(cellules, publie)


def test_a_small_base_hides_the_whole_territory_and_another_one():
    cellules = table({"2021-2022": {UNIQUE: {"CAM": [4, 3], "DOU": [30, 20], "VAL": [50, 31]}}})
    publie = appliquer_secret(cellules)
    caches = publie[publie["secret_statistique"].notna()]
    assert set(caches[caches.territoire_code == "CAM"]["modalite"]) == {"M0", "M1"}
    # The base of CAM would be NORD minus the others: a whole other territory goes too.
    assert set(caches["territoire_code"]) == {"CAM", "DOU"}
    verifie(cellules, publie)


def test_sensitive_zero_percent_by_territory():
    cellules = table(
        {"2021-2022": {SENSIBLE_UNIQUE: {"CAM": [0, 40], "DOU": [30, 20], "VAL": [50, 31]}}}
    )
    publie = appliquer_secret(cellules)
    secret = publie.set_index(["territoire_code", "modalite"])["secret_statistique"]
    assert secret[("CAM", "M0")] == MOTIF_SENSIBLE
    # 100 % for M1 in CAM follows from the base: hidden too (the row equation).
    assert secret[("CAM", "M1")] is not None
    verifie(cellules, publie)


def test_previous_year_suppression_blanks_the_evolution():
    cellules = table(
        {
            "2020-2021": {UNIQUE: {"CAM": [40, 3, 25], "DOU": [30, 20, 22], "VAL": [50, 31, 18]}},
            "2021-2022": {UNIQUE: {"CAM": [40, 30, 25], "DOU": [30, 20, 22], "VAL": [50, 31, 18]}},
        }
    )
    publie = appliquer_secret(cellules)
    cle = publie.set_index(CLES)
    assert cle.loc[("2021-2022", "ALSES", "CAM", UNIQUE, "M1"), "secret_statistique"] is None
    assert pd.isna(cle.loc[("2021-2022", "ALSES", "CAM", UNIQUE, "M1"), "valeur_n_1"])
    assert pd.isna(cle.loc[("2021-2022", "ALSES", "CAM", UNIQUE, "M1"), "evolution_points"])
    verifie(cellules, publie)


def test_the_audit_finds_a_recomputable_cell():
    """The audit is not a rubber stamp: hiding only the small cell is caught."""
    cellules = table({"2021-2022": {UNIQUE: {"CAM": [40, 3, 25], "DOU": [30, 20, 22]}}})
    naif = cellules.copy()
    naif.loc[(naif.territoire_code == "CAM") & (naif.modalite == "M1"), "numerateur"] = pd.NA
    recalculables = auditer(cellules, naif)
    assert list(recalculables["modalite"]) == ["M1"]
    assert recalculables.iloc[0]["min"] == pytest.approx(3)
    assert recalculables.iloc[0]["max"] == pytest.approx(3)


def test_the_attacker_reads_alses_within_ps_and_needs_width_ten():
    """An interval, not only a single value: with the PS figures published, the ALSES
    cells hidden by a naive rectangle stay within [3, 10] (ALSES ≤ PS), narrower than
    the rule's 10; the pattern `appliquer_secret` chooses leaves them wide enough."""
    alses = table(
        {"2021-2022": {UNIQUE: {"CAM": [40, 3, 25], "DOU": [30, 12, 22], "VAL": [50, 20, 18]}}}
    )
    ps = table(
        {"2021-2022": {UNIQUE: {"CAM": [60, 10, 30], "DOU": [45, 12, 30], "VAL": [70, 25, 20]}}}
    )
    cellules = pd.concat([alses, ps.assign(perimetre="PS")], ignore_index=True)
    naif = cellules.copy()
    rectangle = (
        (naif.perimetre == "ALSES")
        & naif.territoire_code.isin(["CAM", "DOU"])
        & naif.modalite.isin(["M1", "M2"])
    )
    naif.loc[rectangle, "numerateur"] = pd.NA
    etroites = auditer(cellules, naif).set_index(["territoire_code", "modalite"])
    assert etroites.loc[("CAM", "M1"), ["min", "max"]].tolist() == pytest.approx([3, 10])
    publie = appliquer_secret(cellules)
    verifie(cellules, publie)


def test_zero_totals_and_a_sensitive_hundred_percent():
    """A modality nobody has anywhere (département 0) is never suppressed to protect
    another cell: hiding it protects nothing; a territory at 100 % of a sensitive
    indicator is hidden, with complements wide enough."""
    cellules = table(
        {
            "2021-2022": {
                SENSIBLE_UNIQUE: {"CAM": [15, 0, 0], "DOU": [30, 14, 0], "VAL": [50, 20, 0]}
            }
        }
    )
    publie = appliquer_secret(cellules)
    secret = publie.set_index(["territoire_code", "modalite"])["secret_statistique"]
    assert secret[("CAM", "M0")] == MOTIF_SENSIBLE
    assert secret.xs("M2", level="modalite").isna().all()
    verifie(cellules, publie)


def test_staff_counts_are_never_suppressed():
    cellules = table({"2021-2022": {"postes_alses": {"CAM": [2], "DOU": [3], "VAL": [12]}}})
    assert appliquer_secret(cellules)["secret_statistique"].isna().all()


def test_deterministic_and_keeps_order():
    cellules = table(
        {"2021-2022": {UNIQUE: {"CAM": [40, 3, 25], "DOU": [30, 2, 22], "VAL": [50, 31, 1]}}}
    ).sample(frac=1, random_state=1)
    a, b = appliquer_secret(cellules), appliquer_secret(cellules)
    assert list(a.index) == list(cellules.index)
    pd.testing.assert_frame_equal(a, b)


comptes = st.integers(min_value=0, max_value=14)


@st.composite
def tables_aleatoires(draw):
    nt = draw(st.integers(2, 4))
    territoires = TERRITOIRES[:nt]
    nb_annees = draw(st.integers(1, 2))
    annees = ["2020-2021", "2021-2022"][:nb_annees]
    contenu, bases = {}, {}
    for annee in annees:
        inds = draw(
            st.lists(
                st.sampled_from([UNIQUE, MULTI, SENSIBLE_UNIQUE, COMPTE]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        contenu[annee] = {}
        for ind in sorted(inds):
            nm = 1 if ind == COMPTE else draw(st.integers(2, 4))
            par_terr = {t: draw(st.lists(comptes, min_size=nm, max_size=nm)) for t in territoires}
            contenu[annee][ind] = par_terr
            if ind == MULTI:
                for t, ns in par_terr.items():
                    bases[(annee, t)] = max(ns) + draw(st.integers(0, 6))
    alses = table(contenu, bases)
    if not draw(st.booleans()):
        return alses
    # The PS scope holds the ALSES one: every count at least as large.
    en_plus = st.integers(0, 6)
    contenu_ps = {
        a: {
            ind: {t: [n + draw(en_plus) for n in ns] for t, ns in par_terr.items()}
            for ind, par_terr in inds.items()
        }
        for a, inds in contenu.items()
    }
    bases_ps = {}
    for (a, t), b in bases.items():
        bases_ps[(a, t)] = max([b + draw(en_plus), *contenu_ps[a][MULTI][t]])
    ps = table(contenu_ps, bases_ps).assign(perimetre="PS")
    return pd.concat([alses, ps], ignore_index=True)


@PROFIL
@given(tables_aleatoires())
def test_no_random_table_leaves_a_recomputable_cell(cellules):
    publie = appliquer_secret(cellules)
    verifie(cellules, publie)
    # A year alone gets the pattern it gets among every year (a run recomputes its
    # years only: alses/opendata.py).
    for _, une_annee in cellules.groupby("annee_scolaire"):
        seule = appliquer_secret(une_annee)["secret_statistique"]
        pd.testing.assert_series_equal(seule, publie.loc[une_annee.index, "secret_statistique"])
