"""One block per indicator: its sentences, the département chart (ALSES beside PS),
the territory chart with intervals, and the table that goes to the annex."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from alses.report import charts
from alses.report.data import TERRITOIRES, Ligne, ReportData
from alses.report.formats import pct, typo
from alses.report.phrases import cell, focus, phrases
from alses.secret import MARQUE, marque_html

#: Indicators whose modalities have a natural order; the others are shown by share.
ORDINAUX = {"age", "classe_age", "anciennete", "mobilisation", "partenaires_territoire"}


@dataclass
class Bloc:
    indicateur: str
    titre: str
    definition: str
    phrases: list[Markup] = field(default_factory=list)
    graphique_nord: Markup | None = None
    titre_nord: str = ""
    graphique_territoires: Markup | None = None
    titre_territoires: str = ""
    table: list[dict] = field(default_factory=list)
    territoires: list[tuple[str, str]] = field(default_factory=list)
    avec_ps: bool = False
    secret: bool = False
    insee: list[Markup] = field(default_factory=list)
    notes: list[Markup] = field(default_factory=list)  # where we differ from the publication


def _ok(v) -> bool:
    return v is not None and not pd.isna(v)


def _desc_nord(nord: pd.DataFrame, ps: pd.DataFrame | None, population: str) -> str:
    parts = []
    ps_par = {} if ps is None else dict(zip(ps.modalite, ps.valeur, strict=True))
    for r in nord.to_dict("records"):
        t = f"{r['modalite_libelle']} : {pct(r['valeur'])}"
        if r["modalite"] in ps_par:
            t += f" (ensemble de la Prévention Spécialisée : {pct(ps_par[r['modalite']])})"
        parts.append(t)
    return f"Parts {population}, ALSES, Nord. " + " ; ".join(parts) + "."


def graphique_territoires(data: ReportData, ind: str, modalite: str) -> tuple[str, Markup]:
    comp = data.comparaison(ind)
    comp = comp[comp.modalite == modalite].set_index("territoire_code")
    nord = data.cell(ind, modalite)
    lignes, mots = [], []
    for t in TERRITOIRES:
        if t not in comp.index:
            continue
        r = comp.loc[t]
        secret = _ok(r.secret_statistique)
        lignes.append(
            {
                "code": t,
                "libelle": r.territoire_libelle,
                "valeur": None if secret else r.valeur,
                "bas": None if secret else r.ic95_bas,
                "haut": None if secret else r.ic95_haut,
                "secret": secret,
                "sens": None if secret else r.sens,
            }
        )
        if secret:
            mots.append(f"{r.territoire_libelle} : « {MARQUE} » (secret statistique)")
        else:
            s = {
                "supérieur": ", significativement au-dessus du reste du Nord",
                "inférieur": ", significativement en dessous du reste du Nord",
            }.get(r.sens or "", "")
            mots.append(
                f"{r.territoire_libelle} : {pct(r.valeur)} (intervalle à 95 % de "
                f"{pct(r.ic95_bas)} à {pct(r.ic95_haut)}{s})"
            )
    titre = (
        f"{data.libelle(ind)} — part « {nord.modalite_libelle} » par territoire (ALSES), "
        f"{data.annee}"
    )
    desc = (
        f"Part « {nord.modalite_libelle} » {data.population(ind)}, par territoire ; "
        f"Nord : {pct(nord.valeur)}. " + " ; ".join(mots) + "."
    )
    return typo(titre), Markup(charts.territoires_ic(lignes, nord.valeur, titre, desc))


def _depart(data: ReportData, ind: str, titre: str) -> tuple:
    """What a chart block and a detailed table start from: the département's cells
    (ordered by share unless the modalities are ordinal), the PS cells if any, the Bloc."""
    nord = data.cells(ind)
    if ind not in ORDINAUX:
        nord = nord.sort_values(
            ["valeur", "modalite_ordre"], ascending=[False, True], na_position="last"
        )
    avec_ps = data.has(ind, "PS")
    ps = data.cells(ind, "PS") if avec_ps else None
    return nord, ps, Bloc(ind, titre, data.definition(ind), avec_ps=avec_ps)


def bloc(data: ReportData, ind: str, titre: str, k: int, avec_territoires: bool) -> Bloc:
    nord, ps, b = _depart(data, ind, titre)
    b.phrases = phrases(data, ind, k, avec_territoires)
    b.titre_nord = f"{data.libelle(ind)} — Nord, {data.annee}"
    ps_vals = None
    if ps is not None:
        ps_vals = list(ps.set_index("modalite").loc[list(nord.modalite), "valeur"])
        # a modality nobody has, ALSES or PS (ages 19 to 26, « Retraite »): no empty row
        garde = [bool(v or w) for v, w in zip(nord.valeur.fillna(0), ps_vals, strict=True)]
        nord = nord[garde]
        ps_vals = [v for v, g in zip(ps_vals, garde, strict=True) if g]
    else:
        nord = nord[nord.valeur.fillna(0) > 0]
    if len(nord) <= 1:  # one bar: the sentence says it, no chart
        b.graphique_nord = None
    else:
        b.graphique_nord = Markup(
            charts.bars_nord(
                list(nord.modalite_libelle),
                list(nord.valeur),
                ps_vals,
                b.titre_nord,
                _desc_nord(nord, ps, data.population(ind)),
            )
        )
    f = focus(data, ind)
    if avec_territoires and f is not None:
        b.titre_territoires, b.graphique_territoires = graphique_territoires(data, ind, f)
    return b


def _avec_evolution(data: ReportData, ind: str, row) -> Markup:
    """The previous year's share, marked ▲ or ▼ when the change is significant."""
    t = data.test(ind, row.modalite)
    marque = ""
    if t is not None and _ok(t.evolution_significative) and bool(t.evolution_significative):
        marque = " ▲" if t.evolution_points > 0 else " ▼"
    return cell(row, "valeur_n_1") + marque


def tableau(data: ReportData, ind: str, titre: str) -> Bloc:
    """The detailed table of one indicator: département (ALSES, PS, previous year) then
    each territory, suppressed cells marked as alses.secret says (the companion document)."""
    nord, ps, b = _depart(data, ind, titre)
    b.territoires = [(t, data.territoire_libelle(t)) for t in TERRITOIRES]
    for row in (Ligne(r) for r in nord.to_dict("records")):
        line = {
            "libelle": row.modalite_libelle,
            "nd": Markup("{} / {}").format(cell(row, "numerateur"), cell(row, "denominateur")),
            "v": cell(row, "valeur"),
            "v1": _avec_evolution(data, ind, row) if _ok(row.valeur_n_1) else "—",
            "ps": "",
            "cells": [],
        }
        if ps is not None:
            line["ps"] = cell(data.cell(ind, row.modalite, "PS"), "valeur")
        for t in TERRITOIRES:
            r = data.cell(ind, row.modalite, territoire=t)
            if _ok(r.secret_statistique):
                b.secret = True
                line["cells"].append(marque_html(r))
            else:
                line["cells"].append(cell(r, "valeur"))
        b.table.append(line)
    return b
