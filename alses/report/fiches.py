"""A two-page sheet per territory and school year (fiche_territoire_<code>_<annee>, HTML
and PDF): its figures next to the département's, its first demands, its partners and
the fill rates of its structures. Same marts, same disclosure rule as the report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from alses.disclosure import appliquer_secret
from alses.report import pdf
from alses.report.build import environment
from alses.report.data import ReportData
from alses.report.formats import accents, pct
from alses.report.phrases import cell, lib
from alses.secret import est_masquee, marque_html

#: (indicator, modality) compared with the département on the first page.
REPERES = [
    ("sexe", "F"),
    ("classe_age", "10_13"),
    ("mesure_connue", "OUI"),
    ("configuration_familiale", "MONOPARENTALE"),
    ("ressources_sans_salaire", "OUI"),
    ("origine_groupe", "PUBLICS"),
    ("origine_groupe", "PARTENAIRES"),
    ("origine_groupe", "PROFESSIONNELS_PS"),
    ("lieu", "ETAB"),
    ("mobilisation", "FAMILLE"),
    ("partenaires_territoire", "SUR_TERRITOIRE"),
]
CHAMPS = [
    "sexe",
    "date_naissance",
    "origine_demande",
    "demande_principale",
    "situation",
    "hebergement",
    "configuration_familiale",
    "lieu",
    "objectifs",
]
SENS = {"supérieur": "▲ au-dessus", "inférieur": "▼ en dessous"}


def _ok(v) -> bool:
    return v is not None and not pd.isna(v)


def _valeur(row) -> Markup:
    if row is None:
        return Markup("—")
    if est_masquee(row):
        return marque_html()
    return cell(row, "valeur")


def reperes(data: ReportData, t: str) -> list[dict]:
    out = []
    for ind, mod in REPERES:
        r = data.cell(ind, mod, territoire=t)
        n = data.cell(ind, mod)
        if r is None or n is None:
            continue
        comp = data.comparaison(ind)
        comp = comp[(comp.modalite == mod) & (comp.territoire_code == t)]
        ecart, ic = "—", ""
        if not comp.empty and not _ok(r.get("secret_statistique")):
            c = comp.iloc[0]
            ecart = SENS.get(c.sens or "", "non significatif")
            if _ok(c.ic95_bas):
                ic = f"{pct(c.ic95_bas)} – {pct(c.ic95_haut)}"
        out.append(
            {
                "libelle": data.libelle(ind)
                if len(data.cells(ind)) == 1
                else f"{data.libelle(ind)}\u00a0: {n.modalite_libelle}",
                "population": data.population(ind),
                "t": _valeur(r),
                "ic": ic,
                "nord": cell(n, "valeur"),
                "ecart": ecart,
            }
        )
    return out


def premiers(data: ReportData, ind: str, t: str, k: int = 5) -> list[dict]:
    """The k first modalities of the département (never suppressed), with the
    territory's share beside: a suppressed territory cell is shown with the mark, not
    dropped, and the list says nothing of where a suppressed cell would rank."""
    nord = data.cells(ind)
    nord = nord[nord.valeur.notna()].sort_values(
        ["valeur", "modalite_ordre"], ascending=[False, True]
    )
    out = []
    for _, n in nord.head(k).iterrows():
        out.append(
            {
                "libelle": n.modalite_libelle,
                "t": _valeur(data.cell(ind, n.modalite, territoire=t)),
                "nord": cell(n, "valeur"),
            }
        )
    return out


def remplissage(data: ReportData, t: str) -> dict:
    """Fill rates per structure of the territory (ALSES), through the disclosure rule."""
    q = data.qualite_structures
    q = q[(q.territoire_code == t) & (q.perimetre == "ALSES") & (q.mesure == "taux_renseignement")]
    q = q[q.objet.isin(CHAMPS)]
    if q.empty:
        return {"structures": [], "lignes": []}
    cells = pd.DataFrame(
        {
            "annee_scolaire": data.annee,
            "perimetre": "ALSES",
            "territoire_code": t,
            "territoire_libelle": data.territoire_libelle(t),
            "indicateur": "taux_renseignement_structure",
            "indicateur_libelle": "Taux de renseignement par structure",
            "modalite": q.structure_id + "|" + q.objet,
            "modalite_libelle": q.objet,
            "numerateur": q.numerateur,
            "denominateur": q.denominateur,
            "valeur": q.valeur,
            "unite": "pct",
            "rang": pd.NA,
            "valeur_n_1": pd.NA,
            "evolution_points": pd.NA,
        }
    )
    publie = appliquer_secret(cells.reset_index(drop=True))
    publie["structure_id"] = publie.modalite.str.split("|").str[0]
    structures = sorted(publie.structure_id.unique())
    libelles = dict(
        zip(
            data.cells("taux_renseignement").modalite,
            data.cells("taux_renseignement").modalite_libelle,
            strict=False,
        )
    )
    lignes = []
    for champ in CHAMPS:
        sub = publie[publie.modalite_libelle == champ].set_index("structure_id")
        if sub.empty:
            continue
        vals = []
        for s in structures:
            if s not in sub.index:
                vals.append("—")
            elif _ok(sub.loc[s, "secret_statistique"]):
                vals.append(marque_html())
            else:
                vals.append(pct(sub.loc[s, "valeur"]))
        lignes.append({"libelle": accents(libelles.get(champ, champ)), "cells": vals})
    return {"structures": structures, "lignes": lignes}


def render_fiche(data: ReportData, t: str) -> str:
    jeunes = data.cell("jeunes_accompagnes", "TOTAL", territoire=t)
    volumes = [
        (lbl, data.cell(ind, mod, territoire=t), data.cell(ind, mod))
        for lbl, ind, mod in [
            ("Jeunes accompagnés par les ALSES", "jeunes_accompagnes", "TOTAL"),
            ("Postes ALSES", "postes_alses", "TOTAL"),
            ("dont plan pauvreté", "postes_alses", "PLAN_PAUVRETE"),
            ("Éducateurs ALSES", "educateurs_alses", "TOTAL"),
            ("Collèges couverts", "colleges_couverts", "TOTAL"),
        ]
    ]
    return (
        environment()
        .get_template("fiche.html.j2")
        .render(
            annee=data.annee,
            territoire=data.territoire_libelle(t),
            jeunes=_valeur(jeunes),
            volumes=[
                {"libelle": lbl, "t": _valeur(r), "nord": _valeur(n)} for lbl, r, n in volumes
            ],
            reperes=reperes(data, t),
            demandes=premiers(data, "demande_principale", t),
            population_demandes=data.population("demande_principale"),
            partenaires=premiers(data, "partenaires_groupe", t, 3),
            droit_commun=premiers(data, "partenaires_droit_commun", t, 5),
            population_partenaires=data.population("partenaires_droit_commun"),
            remplissage=remplissage(data, t),
            lib=lib,
        )
    )


def write_fiche(data: ReportData, t: str, out_dir: Path) -> tuple[Path, Path]:
    """Write fiche_territoire_<t>_<annee>.html and .pdf (one territory) in out_dir."""
    return pdf.ecrire(render_fiche(data, t), out_dir, f"fiche_territoire_{t}_{data.annee}")
