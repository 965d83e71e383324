"""The annexes of the report: data quality and the reconciliation with the published
report."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from alses.report.data import TERRITOIRES, ReportData
from alses.report.formats import decimal, nombre, typo
from alses.report.phrases import cell
from alses.secret import est_masquee, marque_html
from alses.territoires import DEPARTEMENT

REJETS = {"lignes_ecartees": "lignes écartées", "valeurs_videes": "valeurs vidées"}


def _ok(v) -> bool:
    return v is not None and not pd.isna(v)


def annexe_rapprochement(data: ReportData) -> dict:
    r = data.rapprochement
    if r.empty:
        return {"resume": [], "details": [], "total": 0}
    resume = (
        r.groupby("section", sort=False)["statut"]
        .value_counts()
        .unstack(fill_value=0)
        .reset_index()
    )
    statuts = [c for c in ("conforme", "non comparable", "écart", "non calculable") if c in resume]
    lib_ind = dict(zip(data.catalogue.indicateur, data.catalogue.indicateur_libelle, strict=False))
    details = []
    for x in r[r.statut != "conforme"].itertuples():
        terr = (
            "Nord"
            if x.territoire_code == DEPARTEMENT
            else data.territoire_libelle(x.territoire_code)
        )
        details.append(
            {
                "section": x.section,
                "indicateur": lib_ind.get(x.indicateur, x.indicateur),
                "cellule": f"{x.perimetre}, {terr}",
                "publie": decimal(x.valeur_publiee) if _ok(x.valeur_publiee) else "—",
                "calcule": decimal(x.valeur_calculee) if _ok(x.valeur_calculee) else "—",
                "statut": x.statut,
                "motif": Markup(typo(str(x.motif))) if _ok(x.motif) else "—",
            }
        )
    return {
        "statuts": statuts,
        "resume": [
            {"section": row.section, "valeurs": [int(row[c]) for c in statuts]}
            for _, row in resume.iterrows()
        ],
        "details": details,
        "total": len(r),
    }


def annexe_qualite(data: ReportData) -> dict:
    lignes = []
    for champ in data.cells("taux_renseignement").to_dict("records"):
        line = {"libelle": champ["modalite_libelle"], "cells": []}
        for t in [DEPARTEMENT, *TERRITOIRES]:
            r = data.cell("taux_renseignement", champ["modalite"], territoire=t)
            if est_masquee(r):
                line["cells"].append(marque_html(r))
            elif r is None or not _ok(r.valeur):
                line["cells"].append("—")
            else:
                line["cells"].append(cell(r, "valeur"))
        lignes.append(line)
    rejets = data.qualite[
        (data.qualite.mesure != "taux_renseignement")
        & (data.qualite.territoire_code == DEPARTEMENT)
    ].sort_values(["objet", "mesure"])
    rejets = rejets[rejets.numerateur > 0]
    return {
        "taux": lignes,
        "territoires": ["Nord", *(data.territoire_libelle(t) for t in TERRITOIRES)],
        "rejets": [
            {
                "table": x.objet,
                "mesure": REJETS.get(str(x.mesure), str(x.mesure).replace("_", " ")),
                "n": nombre(x.numerateur),
                "d": nombre(x.denominateur),
            }
            for x in rejets.itertuples()
        ],
    }
