"""A two-page sheet per territory and school year (fiche_territoire_<code>_<annee>, HTML
and PDF), built around what is particular to the territory: its significant gaps to the
rest of the Nord (both directions, with counts, the previous year and whether the change
is significant), a chart of them and three lines of reading; then its means, its key
figures next to the département's, its first demands and the fill rates of its
structures, by name. Same marts, same disclosure rule as the report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from alses.disclosure import appliquer_secret
from alses.report import charts, ecarts, pdf
from alses.report.build import PLAN, environment
from alses.report.data import ReportData
from alses.report.formats import accents, pct, points, typo
from alses.report.phrases import cell, lib, num
from alses.secret import est_masquee, marque_html

#: The gaps a sheet shows (the largest), so that its first page holds them.
ECARTS_MAX = 6

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
        return marque_html(row)
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


def distingue(data: ReportData, t: str) -> dict:
    """The territory's significant gaps to the rest of the Nord, the largest first (one
    per yes/no or two-modality indicator: its gaps mirror each other), their chart and
    three lines of reading."""
    vus, gaps = set(), []
    for _, _, items in PLAN:
        for ind, _, avec_territoires in items:
            if ind in vus or not avec_territoires:  # a detail repeats its group's gap
                continue
            vus.add(ind)
            par = 1 if len(data.cells(ind)) <= 2 else 3
            gaps += ecarts.ecarts(data, ind, t)[:par]
    gaps = sorted(gaps, key=lambda e: -abs(e.points))[:ECARTS_MAX]
    lignes = []
    for e in gaps:
        c, test = e.cellule, e.test
        evol = "—"
        if pd.notna(c.get("valeur_n_1")):
            evol = "non"
            if bool(test.get("evolution_significative")):
                sens = "▲" if test.evolution_points > 0 else "▼"
                evol = Markup("{} {}").format(
                    sens, num(points(c.evolution_points), c, "evolution_points")
                )
        lignes.append(
            {
                "libelle": f"{data.libelle(e.indicateur)}\u00a0: {e.modalite_libelle}",
                "population": data.population(e.indicateur),
                "t": cell(c, "valeur"),
                "nd": Markup("{} / {}").format(cell(c, "numerateur"), cell(c, "denominateur")),
                "reste": num(pct(test.reste_valeur), test, "reste_valeur"),
                "ecart": num(points(e.points), test, "ecart_points"),
                "v1": cell(c, "valeur_n_1") if pd.notna(c.get("valeur_n_1")) else "—",
                "evolution": evol,
            }
        )
    nom = data.territoire_libelle(t)
    titre = f"{nom} : écarts significatifs au reste du Nord (ALSES), {data.annee}"
    desc = " ; ".join(
        f"{data.libelle(e.indicateur)}, {e.modalite_libelle} : {points(e.points)}" for e in gaps
    )
    graphique = (
        Markup(
            charts.ecarts_points(
                [
                    (f"{e.modalite_libelle} ({data.libelle(e.indicateur).lower()})", e.points)
                    for e in gaps
                ],
                typo(titre),
                f"Écarts en points : {desc}." if desc else "Aucun écart significatif.",
            )
        )
        if gaps
        else None
    )
    return {
        "lignes": lignes,
        "graphique": graphique,
        "titre": typo(titre),
        "lecture": lecture(data, t, gaps),
    }


def _gap(data: ReportData, e) -> Markup:
    return Markup("{} ({}) : {} {}, contre {} dans le reste du Nord").format(
        lib(e.modalite_libelle),
        data.libelle(e.indicateur).lower(),
        cell(e.cellule, "valeur"),
        data.population(e.indicateur),
        num(pct(e.test.reste_valeur), e.test, "reste_valeur"),
    )


def lecture(data: ReportData, t: str, gaps: list) -> list[Markup]:
    """Three lines: how many gaps, the largest above, the largest below (or that none
    differs)."""
    nom = data.territoire_libelle(t)
    if not gaps:
        return [
            Markup(
                "Aucune part de {} ne s'écarte significativement du reste du Nord cette "
                "année : le territoire ressemble au département sur tous les indicateurs."
            ).format(nom)
        ]
    dessus = [e for e in gaps if e.points > 0]
    dessous = [e for e in gaps if e.points < 0]
    out = [
        Markup(
            "Ce qui distingue {} : les parts ci-dessous s'écartent significativement du "
            "reste du Nord ({} au-dessus, {} en dessous parmi les plus marquées)."
        ).format(nom, len(dessus), len(dessous))
    ]
    out.append(
        Markup("Le plus net au-dessus : {}.").format(_gap(data, dessus[0]))
        if dessus
        else Markup("Aucune part n'est significativement au-dessus du reste du Nord.")
    )
    out.append(
        Markup("Le plus net en dessous : {}.").format(_gap(data, dessous[0]))
        if dessous
        else Markup("Aucune part n'est significativement en dessous du reste du Nord.")
    )
    return [Markup(typo(str(p))) for p in out]


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
    noms = data.structures
    return {"structures": [noms.get(x, x) for x in structures], "lignes": lignes}


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
            distingue=distingue(data, t),
            remplissage=remplissage(data, t),
            lib=lib,
        )
    )


def write_fiche(data: ReportData, t: str, out_dir: Path) -> tuple[Path, Path]:
    """Write fiche_territoire_<t>_<annee>.html and .pdf (one territory) in out_dir."""
    return pdf.ecrire(render_fiche(data, t), out_dir, f"fiche_territoire_{t}_{data.annee}")
