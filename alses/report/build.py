"""Assemble the report of one school year from the marts: sections, charts, tables and
sentences computed from the data (never typed in), then HTML and PDF."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from alses.report import charts
from alses.report.data import TERRITOIRES, ReportData, load
from alses.report.formats import nombre, pct, points

#: Cells built on fewer jeunes (or rows) than this are marked as fragile.
SEUIL_FRAGILE = 10

UNITES = {
    "interventions": "des interventions des ALSES",
    "mobilisations": "des mobilisations lors des interventions des ALSES",
    "partenaires": "des mobilisations de partenaires par les ALSES",
    "jeunes": "des jeunes accompagnés par les ALSES",
}
UNITE_INDICATEUR = {
    "lieu": "interventions",
    "objectif": "interventions",
    "objectif_theme": "interventions",
    "membre_famille": "interventions",
    "objectif_famille": "interventions",
    "mobilisation": "mobilisations",
    "partenaires_territoire": "partenaires",
    "partenaires_groupe": "partenaires",
    "partenaires_droit_commun": "partenaires",
    "partenaires_social": "partenaires",
}

#: The report's structure: (section id, title, [(indicator, sub-title)]).
PLAN = [
    (
        "chapitre-1",
        "Chapitre 1 : situations des collégiens accompagnés",
        [
            ("sexe", "1.1 Ratio garçons / filles"),
            ("classe_age", "1.2 Âge des collégiens accompagnés — par classe d'âge"),
            ("age", "1.2 Âge des collégiens accompagnés — par âge"),
            ("classe", "1.3 Répartition par classe"),
            ("anciennete", "1.4 Ancienneté des accompagnements"),
            ("hebergement", "1.5 L'hébergement"),
            ("mesure_connue", "1.6 Mesures de protection de l'enfance et/ou médico-sociales"),
            ("mesure_groupe", "1.6 Les différentes prises en charge"),
            ("mesure", "1.6 Le détail des mesures"),
            ("aide_financiere_connue", "1.7 Les aides financières"),
            ("aide_financiere", "1.7 Le détail des aides financières"),
        ],
    ),
    (
        "chapitre-2",
        "Chapitre 2 : situations des familles",
        [
            ("configuration_familiale", "2.1 Les configurations familiales"),
            ("ressource", "2.2 Les ressources des familles"),
            (
                "ressources_sans_salaire",
                "2.2 Les familles dont les ressources ne sont pas un salaire",
            ),
        ],
    ),
    (
        "chapitre-3",
        "Chapitre 3 : les accompagnements socio-éducatifs",
        [
            ("origine_groupe", "3.1 L'origine de la demande"),
            ("origine_publics", "3.1 Sollicitation par les publics"),
            ("origine_partenaires", "3.1 Orientation par les partenaires"),
            ("origine_fonction_etab", "3.1 Fonctions dans les établissements scolaires"),
            ("origine_partenaires_hors_en", "3.1 Les autres partenaires"),
            ("origine_professionnels", "3.1 Orientation par les professionnels de la PS"),
            ("demande_principale", "3.2 La demande principale"),
            ("demande_scolarite", "3.2 Focus sur les demandes liées à la scolarité"),
            ("lieu", "3.3 Le lieu des accompagnements"),
            ("objectif_theme", "3.4 Les objectifs travaillés (thématiques)"),
            ("objectif", "3.4 Les objectifs travaillés (détail)"),
            ("mobilisation", "3.5 Les modalités mobilisées"),
            ("membre_famille", "3.5 Les membres de la famille mobilisés"),
            ("objectif_famille", "3.5 Les objectifs travaillés avec la famille"),
            ("partenaires_territoire", "3.5 Les partenaires mobilisés sur ou hors territoire"),
            ("partenaires_groupe", "3.5 Les familles de partenaires sur le territoire"),
            ("partenaires_droit_commun", "3.5 Les partenaires de droit commun"),
            ("partenaires_social", "3.5 Les partenaires sociaux, PJJ et soin"),
        ],
    ),
]


def num(
    text: str, perimetre: str, territoire: str, indicateur: str, modalite: str, champ: str
) -> Markup:
    """A number printed in the report, tagged with the mart cell it comes from."""
    src = "|".join([perimetre, territoire, indicateur, modalite, champ])
    return Markup('<span class="n" data-src="{}">{}</span>').format(src, text)


def fmt(row, champ: str) -> str:
    value = row[champ] if champ in row else None
    if champ == "rang":
        return "" if _missing(value) else str(int(value))
    if champ in ("numerateur", "denominateur"):
        return nombre(value)
    if champ == "evolution_points":
        return points(value)
    if champ == "evolution_abs":
        return points(abs(row["evolution_points"])).lstrip("+")
    if row["unite"] == "nombre" and champ in ("valeur", "valeur_n_1"):
        return nombre(value)
    return pct(value)


def lib(label: str) -> Markup:
    """A label from the marts (modality, territory) inside a sentence."""
    return Markup('<span class="lib">{}</span>').format(label)


def cell(row, champ: str) -> Markup:
    return num(
        fmt(row, champ),
        row["perimetre"],
        row["territoire_code"],
        row["indicateur"],
        row["modalite"],
        champ,
    )


def _missing(v) -> bool:
    return v is None or bool(pd.isna(v))


@dataclass
class Bloc:
    indicateur: str
    titre: str
    definition: str
    phrases: list[Markup] = field(default_factory=list)
    graphique_nord: Markup | None = None
    graphique_territoires: Markup | None = None
    table_nord: list[dict] = field(default_factory=list)
    table_territoires: list[dict] = field(default_factory=list)
    avec_ps: bool = False
    avec_n_1: bool = False
    fragile: bool = False


def _phrases(data: ReportData, ind: str, nord, ps) -> list[Markup]:
    unite = UNITES[UNITE_INDICATEUR.get(ind, "jeunes")]
    out: list[Markup] = []
    ranked = nord[nord.rang.notna()].sort_values("rang")
    if ranked.empty:
        return [Markup("Aucune donnée renseignée pour cette année.")]
    top = ranked.iloc[0]
    phrase = Markup("En {} : « {} » pour {} {} ({} sur {})").format(
        data.annee,
        lib(top.modalite_libelle),
        cell(top, "valeur"),
        unite,
        cell(top, "numerateur"),
        cell(top, "denominateur"),
    )
    if ps is not None:
        top_ps = ps[ps.modalite == top.modalite].iloc[0]
        if not _missing(top_ps.valeur):
            phrase += Markup(", contre {} pour l'ensemble de la Prévention Spécialisée").format(
                cell(top_ps, "valeur")
            )
    out.append(phrase + Markup("."))
    evol = nord[nord.evolution_points.notna()]
    if not evol.empty:
        # the largest move; between equal moves (two modalities), the rising one
        big = (
            evol.assign(ampleur=evol.evolution_points.abs().round(6))
            .sort_values(["ampleur", "evolution_points"], ascending=[False, False])
            .iloc[0]
        )
        if abs(big.evolution_points) < 0.05:
            out.append(Markup("Les parts sont stables par rapport à l'année précédente."))
        else:
            sens = "augmente" if big.evolution_points > 0 else "diminue"
            out.append(
                Markup(
                    "Par rapport à l'année précédente, la part « {} » {} de {} ({} → {})."
                ).format(
                    lib(big.modalite_libelle),
                    sens,
                    cell(big, "evolution_abs"),
                    cell(big, "valeur_n_1"),
                    cell(big, "valeur"),
                )
            )
    firsts = {}
    for t in TERRITOIRES:
        rows = data.cells(ind, "ALSES", t)
        rows = rows[rows.rang == 1]
        if not rows.empty:
            firsts[t] = rows
    if firsts and len(nord) > 1:
        differ = {t: r for t, r in firsts.items() if top.modalite not in set(r.modalite)}
        if not differ:
            out.append(
                Markup("La première modalité est identique pour l'ensemble des territoires.")
            )
        else:
            parts = [
                Markup("{} (« {} »)").format(
                    lib(r.iloc[0].territoire_libelle), lib(r.iloc[0].modalite_libelle)
                )
                for r in differ.values()
            ]
            out.append(
                Markup("La première modalité diffère pour : ")
                + Markup(", ").join(parts)
                + Markup(".")
            )
    return out


#: Indicators whose modalities have a natural order; the others are shown by share.
ORDINAUX = {"age", "classe_age", "anciennete", "mobilisation", "partenaires_territoire"}


def bloc(data: ReportData, ind: str, titre: str) -> Bloc:
    nord = data.cells(ind, "ALSES", "NORD")
    if ind not in ORDINAUX:
        nord = nord.sort_values(
            ["valeur", "modalite_ordre"], ascending=[False, True], na_position="last"
        )
    avec_ps = data.has(ind, "PS")
    ps = data.cells(ind, "PS", "NORD") if avec_ps else None
    b = Bloc(
        ind,
        titre,
        data.definition(ind),
        avec_ps=avec_ps,
        avec_n_1=bool(nord.valeur_n_1.notna().any()),
    )
    b.phrases = _phrases(data, ind, nord, ps)
    labels = list(nord.modalite_libelle)
    b.graphique_nord = Markup(
        charts.bars_nord(
            labels,
            list(nord.valeur),
            # PS aligned on the ALSES modalities, whatever the display order
            list(ps.set_index("modalite").loc[list(nord.modalite), "valeur"])
            if ps is not None
            else None,
            f"{data.libelle(ind)} — Nord, {data.annee}",
        )
    )
    for _, row in nord.iterrows():
        fragile = not _missing(row.denominateur) and row.denominateur < SEUIL_FRAGILE
        b.fragile |= fragile
        entry = {
            "libelle": row.modalite_libelle,
            "n": cell(row, "numerateur"),
            "d": cell(row, "denominateur"),
            "v": cell(row, "valeur"),
            "rang": "" if _missing(row.rang) else cell(row, "rang"),
            "v1": cell(row, "valeur_n_1") if not _missing(row.valeur_n_1) else "—",
            "evol": (cell(row, "evolution_points") if not _missing(row.evolution_points) else "—"),
            "fragile": fragile,
        }
        if ps is not None:
            prow = ps[ps.modalite == row.modalite].iloc[0]
            entry["ps"] = cell(prow, "valeur")
            entry["ps_nd"] = Markup("{} / {}").format(
                cell(prow, "numerateur"), cell(prow, "denominateur")
            )
        b.table_nord.append(entry)
    terr = data.by_territory(ind, "ALSES")
    ordre = ["NORD", *TERRITOIRES]
    libelles = dict(zip(terr.territoire_code, terr.territoire_libelle, strict=False))
    for _, row in nord.iterrows():
        line = {"libelle": row.modalite_libelle, "cells": []}
        for t in ordre:
            r = terr[(terr.territoire_code == t) & (terr.modalite == row.modalite)].iloc[0]
            fragile = not _missing(r.denominateur) and r.denominateur < SEUIL_FRAGILE
            b.fragile |= fragile
            line["cells"].append(
                {
                    "v": cell(r, "valeur"),
                    "n": cell(r, "numerateur"),
                    "d": cell(r, "denominateur"),
                    "fragile": fragile,
                }
            )
        b.table_territoires.append(line)
    b.territoires = [(t, libelles.get(t, t)) for t in ordre]
    if len(nord) <= 13:
        valeurs = {(r.territoire_code, r.modalite): r.valeur for r in terr.itertuples()}
        b.graphique_territoires = Markup(
            charts.small_multiples(
                list(zip(nord.modalite, nord.modalite_libelle, strict=True)),
                valeurs,
                b.territoires,
                f"{data.libelle(ind)} — par territoire (ALSES), {data.annee}",
            )
        )
    return b


def volumes(data: ReportData) -> dict:
    jeunes = data.by_territory("jeunes_accompagnes", "ALSES")
    ordre = {t: i for i, t in enumerate(["NORD", *TERRITOIRES])}
    jeunes = jeunes.assign(o=jeunes.territoire_code.map(ordre)).sort_values("o")
    ps = data.cells("jeunes_accompagnes", "PS", "NORD").iloc[0]
    nord = jeunes[jeunes.territoire_code == "NORD"].iloc[0]
    lignes = []
    for t in ["NORD", *TERRITOIRES]:
        row = {"code": t}
        for ind in ("jeunes_accompagnes", "postes_alses", "educateurs_alses", "colleges_couverts"):
            df = data.by_territory(ind, "ALSES")
            for mod in ("TOTAL", "PLAN_PAUVRETE"):
                r = df[(df.territoire_code == t) & (df.modalite == mod)]
                if not r.empty:
                    row[f"{ind}_{mod}"] = cell(r.iloc[0], "valeur")
                    row["libelle"] = r.iloc[0].territoire_libelle
        lignes.append(row)
    postes = data.cells("postes_alses", "ALSES", "NORD").set_index("modalite")
    educ = data.cells("educateurs_alses", "ALSES", "NORD").set_index("modalite")
    colleges = data.cells("colleges_couverts", "ALSES", "NORD").iloc[0]
    phrases = [
        Markup(
            "À l'échelle départementale, les ALSES ont accompagné {} jeunes en {}. "
            "Pour mémoire, {} jeunes ont été accompagnés par l'ensemble des équipes de la "
            "Prévention Spécialisée."
        ).format(cell(nord, "valeur"), data.annee, cell(ps, "valeur")),
        Markup(
            "{} postes ALSES (dont {} financés par le plan pauvreté) servent {} collèges ; "
            "ils ont été tenus par {} éducateurs (dont {} sur un poste plan pauvreté)."
        ).format(
            cell(postes.loc["TOTAL"].to_dict() | {"modalite": "TOTAL"}, "valeur"),
            cell(postes.loc["PLAN_PAUVRETE"].to_dict() | {"modalite": "PLAN_PAUVRETE"}, "valeur"),
            cell(colleges, "valeur"),
            cell(educ.loc["TOTAL"].to_dict() | {"modalite": "TOTAL"}, "valeur"),
            cell(educ.loc["PLAN_PAUVRETE"].to_dict() | {"modalite": "PLAN_PAUVRETE"}, "valeur"),
        ),
    ]
    graphique = Markup(
        charts.bars_territoires(
            [
                (r.territoire_code, r.territoire_libelle, r.valeur)
                for r in jeunes.itertuples()
                if r.territoire_code != "NORD"
            ],
            f"Jeunes accompagnés par les ALSES par territoire, {data.annee}",
        )
    )
    return {"lignes": lignes, "phrases": phrases, "graphique": graphique}


def annexe(data: ReportData) -> dict:
    taux = data.by_territory("taux_renseignement", "ALSES")
    ordre = ["NORD", *TERRITOIRES]
    champs = data.cells("taux_renseignement", "ALSES", "NORD")
    lignes = []
    for _, champ in champs.iterrows():
        line = {"libelle": champ.modalite_libelle, "cells": []}
        for t in ordre:
            r = taux[(taux.territoire_code == t) & (taux.modalite == champ.modalite)].iloc[0]
            line["cells"].append(cell(r, "valeur"))
        lignes.append(line)
    rejets = data.qualite[data.qualite.mesure != "taux_renseignement"].sort_values(
        ["objet", "mesure"]
    )
    definitions = data.catalogue.drop_duplicates("indicateur").sort_values("indicateur_ordre")
    return {
        "taux": lignes,
        "territoires": ordre,
        "rejets": [
            {
                "table": r.objet,
                "mesure": r.mesure.replace("_", " "),
                "n": nombre(r.numerateur),
                "d": nombre(r.denominateur),
            }
            for r in rejets.itertuples()
        ],
        "definitions": [(r.indicateur_libelle, r.definition) for r in definitions.itertuples()],
        "rapprochement": [
            {
                "figure": r.figure_id,
                "statut": r.statut,
                "indicateur": r.indicateur,
                "territoire": r.territoire_code,
                "perimetre": r.perimetre,
                "publie": "" if _missing(r.valeur_publiee) else str(r.valeur_publiee),
                "attendu": "" if r.attendu is None else str(r.attendu),
                "calcule": "" if _missing(r.valeur_calculee) else f"{r.valeur_calculee:.2f}",
                "motif": r.motif or "",
            }
            for r in data.rapprochement.itertuples()
        ],
        "statuts": data.rapprochement.statut.value_counts().to_dict(),
    }


def render_html(data: ReportData) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("alses.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    sections = [
        {"id": sid, "titre": titre, "blocs": [bloc(data, ind, sub) for ind, sub in items]}
        for sid, titre, items in PLAN
    ]
    return env.get_template("rapport.html.j2").render(
        annee=data.annee,
        volumes=volumes(data),
        sections=sections,
        annexe=annexe(data),
        seuil=SEUIL_FRAGILE,
        escape=html.escape,
    )


def write_report(warehouse: Path, annee: str, out_dir: Path) -> tuple[Path, Path]:
    """Write rapport_alses_<annee>.html and .pdf in out_dir; return both paths."""
    from weasyprint import HTML

    data = load(warehouse, annee)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"rapport_alses_{annee}.html"
    pdf_path = out_dir / f"rapport_alses_{annee}.pdf"
    text = render_html(data)
    html_path.write_text(text, encoding="utf-8")
    HTML(string=text, base_url=str(out_dir)).write_pdf(pdf_path)
    return html_path, pdf_path
