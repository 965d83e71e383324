"""Assemble the report of one school year from the marts: cover, contents, introduction,
the three chapters with their highlights, conclusion and annexes; then HTML and PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
import markdown
import pandas as pd
from markupsafe import Markup

from alses.comparaisons import METHODES
from alses.report import charts, ecarts, editorial, pdf
from alses.report.annexes import annexe_qualite, annexe_rapprochement
from alses.report.blocs import Bloc, bloc, tableau
from alses.report.data import TERRITOIRES, ReportData, load, reperes_insee, texte
from alses.report.formats import nombre, pct, points, typo
from alses.report.phrases import cell, lib, num, pop
from alses.secret import DEFINITION, est_masquee, marque_html
from alses.territoires import DEPARTEMENT, LIBELLES

#: Fields whose taux de renseignement under this share (département, ALSES) are named.
SEUIL_RENSEIGNEMENT = 90.0

#: The report's structure, in the original's order: (id, title, [(indicator, title,
#: with a territory chart)]).
PLAN = [
    (
        "chapitre-1",
        "Chapitre\u00a01\u00a0: situations des collégiens accompagnés par les ALSES",
        [
            ("sexe", "1.1 Filles et garçons accompagnés", True),
            ("classe_age", "1.2 L'âge des collégiens accompagnés", True),
            ("age", "1.2 L'âge, année par année", False),
            ("classe", "1.3 La classe des collégiens accompagnés", True),
            ("anciennete", "1.4 L'ancienneté des accompagnements", False),
            ("hebergement", "1.5 L'hébergement", False),
            (
                "mesure_connue",
                "1.6 Les mesures de protection de l'enfance ou médico-sociales",
                True,
            ),
            ("mesure_groupe", "1.6 Les différentes prises en charge", True),
            ("mesure", "1.6 Le détail des mesures", False),
            ("aide_financiere_connue", "1.7 Les aides financières", False),
            ("aide_financiere", "1.7 Le détail des aides financières", False),
        ],
    ),
    (
        "chapitre-2",
        "Chapitre\u00a02\u00a0: situations des familles des collégiens accompagnés",
        [
            ("configuration_familiale", "2.1 Les configurations familiales", True),
            ("ressource", "2.2 Les ressources des familles", False),
            ("ressources_sans_salaire", "2.2 Les familles sans revenu salarial", True),
        ],
    ),
    (
        "chapitre-3",
        "Chapitre\u00a03\u00a0: les accompagnements socio-éducatifs menés par les ALSES",
        [
            ("origine_groupe", "3.1 L'origine de la demande", True),
            ("origine_publics", "3.1 La sollicitation par les publics", False),
            ("origine_partenaires", "3.1 L'orientation par les partenaires", True),
            ("origine_fonction_etab", "3.1 Les fonctions dans les établissements scolaires", True),
            ("origine_partenaires_hors_en", "3.1 Les autres partenaires", False),
            ("origine_professionnels", "3.1 L'orientation par les professionnels", True),
            ("demande_principale", "3.2 La demande principale", True),
            ("demande_scolarite", "3.2 Les demandes liées à la scolarité", True),
            ("lieu", "3.3 Le lieu des accompagnements", True),
            ("objectif_theme", "3.4 Les objectifs travaillés", True),
            ("objectif", "3.4 Le détail des objectifs travaillés", False),
            ("mobilisation", "3.5 Les modalités mobilisées", True),
            ("membre_famille", "3.5 Les membres de la famille mobilisés", False),
            ("objectif_famille", "3.5 Les objectifs travaillés avec la famille", False),
            ("partenaires_territoire", "3.5 Les partenaires sur ou hors territoire", True),
            ("partenaires_groupe", "3.5 Les partenaires mobilisés sur le territoire", False),
            ("partenaires_droit_commun", "3.5 Les partenaires de droit commun", False),
            ("partenaires_social", "3.5 Les partenaires sociaux, PJJ et soin", False),
        ],
    ),
]


@dataclass
class Section:
    id: str
    titre: str
    blocs: list[Bloc]
    ouverture: Markup
    lecture: Markup

    @property
    def entrees(self) -> list[tuple[str, str]]:
        """Contents entries: the first block of each numbered sub-section."""
        vus, out = set(), []
        for b in self.blocs:
            numero = b.titre.split(" ")[0]
            if numero not in vus:
                vus.add(numero)
                out.append((b.indicateur, b.titre))
        return out


def md(text: str | None) -> Markup:
    return Markup(markdown.markdown(typo(text))) if text else Markup("")


def _ok(v) -> bool:
    return v is not None and not pd.isna(v)


def volumes(data: ReportData) -> dict:
    ps = data.cell("jeunes_accompagnes", "TOTAL", "PS")
    nord = data.cell("jeunes_accompagnes", "TOTAL")
    lignes = []
    for t in [DEPARTEMENT, *TERRITOIRES]:
        row = {"libelle": LIBELLES[DEPARTEMENT] if t == DEPARTEMENT else data.territoire_libelle(t)}
        for ind in ("jeunes_accompagnes", "postes_alses", "educateurs_alses", "colleges_couverts"):
            for mod in ("TOTAL", "PLAN_PAUVRETE"):
                r = data.cell(ind, mod, territoire=t)
                if r is not None:
                    row[f"{ind}_{mod}"] = (
                        marque_html(r)
                        if est_masquee(r)
                        else cell(r, "valeur")
                        if _ok(r.valeur)
                        else "—"
                    )
        lignes.append(row)
    postes = data.cell("postes_alses", "TOTAL")
    pauvrete = data.cell("postes_alses", "PLAN_PAUVRETE")
    colleges = data.cell("colleges_couverts", "TOTAL")
    educ = data.cell("educateurs_alses", "TOTAL")
    phrases = [
        Markup(
            "En {}, les ALSES ont accompagné {} jeunes dans le Nord, sur les {} jeunes "
            "accompagnés par l'ensemble des équipes de la Prévention Spécialisée."
        ).format(data.annee, cell(nord, "valeur"), cell(ps, "valeur")),
        Markup(
            "{} postes ALSES, dont {} financés par le plan pauvreté, servent {} collèges\u00a0; "
            "ils ont été tenus par {} éducateurs au cours de l'année."
        ).format(
            cell(postes, "valeur"),
            cell(pauvrete, "valeur"),
            cell(colleges, "valeur"),
            cell(educ, "valeur"),
        ),
    ]
    valeurs = [
        (
            t,
            data.territoire_libelle(t),
            data.cell("jeunes_accompagnes", "TOTAL", territoire=t).valeur,
        )
        for t in TERRITOIRES
    ]
    titre = f"Jeunes accompagnés par les ALSES par territoire, {data.annee}"
    desc = (
        "Nombre de jeunes accompagnés par territoire : "
        + " ; ".join(f"{lib_} : {nombre(v)}" for _, lib_, v in valeurs)
        + "."
    )
    graphique = Markup(charts.bars_territoires(valeurs, titre, desc))
    return {"lignes": lignes, "phrases": phrases, "graphique": graphique, "titre": titre}


def qualite(data: ReportData) -> dict:
    """The data quality of the year: fields under the threshold, named."""
    taux = data.cells("taux_renseignement")
    faibles = taux[taux.valeur < SEUIL_RENSEIGNEMENT].sort_values("valeur")
    rejets = data.qualite[
        (data.qualite.mesure != "taux_renseignement")
        & (data.qualite.territoire_code == DEPARTEMENT)
    ]
    if faibles.empty:
        phrase = Markup(
            "Tous les champs utilisés par ce rapport sont renseignés pour au moins {} des "
            "jeunes ou des interventions concernés."
        ).format(pct(SEUIL_RENSEIGNEMENT))
    else:
        noms = Markup(", ").join(
            Markup("{} ({})").format(lib(r.modalite_libelle), cell(r, "valeur"))
            for r in (row for _, row in faibles.iterrows())
        )
        phrase = Markup(
            "Certains champs sont renseignés pour moins de {} des jeunes ou des "
            "interventions concernés (ALSES, Nord)\u00a0: {}. Les parts correspondantes "
            "portent sur les seules fiches renseignées."
        ).format(pct(SEUIL_RENSEIGNEMENT), noms)
    n_rejets = int(rejets.numerateur.sum()) if not rejets.empty else 0
    phrase_rejets = (
        Markup(
            "À l'extraction, {} valeurs ou lignes de la Base de Données Commune ont été écartées "
            "ou vidées parce qu'elles ne respectaient pas le format convenu (détail dans la "
            "note technique de l'année)."
        ).format(nombre(n_rejets))
        if n_rejets
        else Markup("Aucune ligne de la Base de Données Commune n'a été écartée à l'extraction.")
    )
    return {"phrases": [phrase, phrase_rejets]}


def insee(data: ReportData, ind: str) -> list[Markup]:
    """The INSEE benchmarks the original report sets beside chapter 2."""
    ref = reperes_insee()
    out = []
    if ind == "configuration_familiale":
        couple = data.cell(ind, "COUPLE")
        mono = data.cell(ind, "MONOPARENTALE")
        if couple is not None and mono is not None:
            out.append(
                Markup(
                    "Repère INSEE\u00a0: {} ({}). Parmi les jeunes accompagnés par les ALSES, "
                    "{} {} vivent avec des parents en couple."
                ).format(
                    ref["familles_classiques_france"].citation,
                    pct(ref["familles_classiques_france"].valeur),
                    cell(couple, "valeur"),
                    pop(data, ind),
                )
            )
            out.append(
                Markup(
                    "Repère INSEE\u00a0: la part des familles monoparentales est de {} en France "
                    "et de {} dans le département du Nord, la plus forte de la Région\u00a0; "
                    "elle est de {} {} (ALSES)."
                ).format(
                    pct(ref["monoparentales_france"].valeur),
                    pct(ref["monoparentales_nord"].valeur),
                    cell(mono, "valeur"),
                    pop(data, ind),
                )
            )
    if ind == "ressources_sans_salaire":
        r = data.cell(ind, "OUI")
        if r is not None:
            out.append(
                Markup(
                    "Repère INSEE (2019)\u00a0: en France, un enfant sur huit ({}) n'a aucun "
                    "parent en emploi\u00a0; les ressources ne comprennent aucun salaire pour "
                    "{} {} (ALSES)."
                ).format(
                    pct(ref["enfants_sans_parent_en_emploi"].valeur),
                    cell(r, "valeur"),
                    pop(data, ind),
                )
            )
    return [Markup(typo(str(p))) for p in out]


def methode(data: ReportData) -> dict:
    """The method box's families, read from the tests' mart (column `methode`)."""
    c = data.comparaisons
    c = c[(c.perimetre == "ALSES") & (c.territoire_code == DEPARTEMENT)]
    ordre = data.catalogue.drop_duplicates("indicateur").set_index("indicateur").indicateur_ordre
    grappes = sorted(set(c[c.methode == METHODES[True]].indicateur), key=ordre.get)
    return {"grappes": ", ".join(data.libelle(i).lower() for i in grappes)}


def notes_publication(data: ReportData) -> dict[str, list[Markup]]:
    """Where the report differs from the published one, per indicator: the reasons of
    the published figures it does not reproduce (marts.rapprochement_publication), each
    once, as footnotes at the indicator's first block."""
    r = data.rapprochement
    out: dict[str, list[Markup]] = {}
    if r.empty:
        return out
    for x in r[r.statut != "conforme"].itertuples():
        if not isinstance(x.motif, str) or not x.motif.strip():
            continue
        note = Markup(typo(f"Différence avec le rapport publié pour {data.annee} : {x.motif}"))
        if note not in out.setdefault(x.indicateur, []):
            out[x.indicateur].append(note)
    return out


NOMBRES = ["zéro", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]


def territoires_du_chapitre(data: ReportData, indicateurs: list[str]):
    """What is particular to some territories in a chapter: the territories with the
    most significant gaps to the rest of the Nord across its parts, and the largest
    gap; (indicator of that gap, sentence) or None when nothing differs."""
    parties: dict[str, set] = {}
    tous = []
    for ind in dict.fromkeys(indicateurs):
        for e in ecarts.ecarts(data, ind):
            parties.setdefault(e.territoire_libelle, set()).add(ind)
            tous.append(e)
    if not tous:
        return None
    rang = sorted(parties.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:3]
    noms = Markup(", ").join(
        Markup("{} ({} partie{})").format(
            nom, NOMBRES[len(inds)] if len(inds) < 10 else "plus de neuf", "s" * (len(inds) > 1)
        )
        for nom, inds in rang
    )
    e = max(tous, key=lambda x: abs(x.points))
    phrase = Markup(
        "Ce qui distingue certains territoires dans ce chapitre\u00a0: les écarts "
        "significatifs au reste du Nord touchent surtout {}. Le plus marqué\u00a0: {}, "
        "{} {} {}, contre {} dans le reste du Nord ({})."
    ).format(
        noms,
        e.territoire_libelle,
        lib(e.modalite_libelle),
        cell(e.cellule, "valeur"),
        pop(data, e.indicateur),
        num(pct(e.test.reste_valeur), e.test, "reste_valeur"),
        num(points(e.points), e.test, "ecart_points"),
    )
    return e.indicateur, phrase


def sections(data: ReportData) -> list[Section]:
    out, k = [], 0
    notes = notes_publication(data)
    for sid, titre, items in PLAN:
        blocs = []
        for ind, sous_titre, avec_t in items:
            blocs.append(bloc(data, ind, sous_titre, k, avec_t))
            blocs[-1].notes = notes.pop(ind, [])
            k += 1
        for b in blocs:
            b.insee = insee(data, b.indicateur)
        texte_ = editorial.chapitre(data, sid)
        lecture = texte_.lecture
        synthese = territoires_du_chapitre(data, [i for i, _, t in items if t])
        if synthese is not None:
            ind, phrase = synthese
            lecture += Markup('<p class="phrase" data-ind="{}">{}</p>').format(ind, phrase)
        out.append(Section(sid, titre, blocs, texte_.ouverture, lecture))
    return out


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("alses.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["definition_secret"] = DEFINITION  # the suppression mark, defined
    return env


def render_html(data: ReportData) -> str:
    secs = sections(data)
    definitions = data.catalogue.drop_duplicates("indicateur").sort_values("indicateur_ordre")
    return (
        environment()
        .get_template("rapport.html.j2")
        .render(
            annee=data.annee,
            volumes=volumes(data),
            qualite=qualite(data),
            methode=methode(data),
            sections=secs,
            conclusion=editorial.conclusion(data),
            histoire=md(texte("histoire.md")),
            fiches=md(texte("fiches.md")),
            vigilance=md(texte(f"annees/{data.annee}.md")),
            remerciements=md(texte("remerciements.md")),
            territoires=[data.territoire_libelle(t) for t in TERRITOIRES],
            definitions=[
                (r.indicateur_libelle, typo(r.definition)) for r in definitions.itertuples()
            ],
            annexe_qualite=annexe_qualite(data),
        )
    )


def render(warehouse: Path, annee: str, data: ReportData | None = None):
    """(html text, WeasyPrint document) of the year's report (`data`: the year's marts
    already loaded, or None); the document is laid out from the HTML (alses/report/pdf.py)."""
    text = render_html(data if data is not None else load(warehouse, annee))
    return text, pdf.document(text)


def render_tableaux(data: ReportData) -> str:
    """The companion document: every indicator's detailed table (département, PS,
    previous year, each territory), suppressed cells marked as alses.secret says."""
    sections_ = [
        {"titre": titre, "blocs": [tableau(data, ind, sous) for ind, sous, _ in items]}
        for _, titre, items in PLAN
    ]
    return (
        environment().get_template("tableaux.html.j2").render(annee=data.annee, sections=sections_)
    )


def write_tableaux(
    warehouse: Path, annee: str, out_dir: Path, data: ReportData | None = None
) -> tuple[Path, Path]:
    """Write tableaux_alses_<annee>.html and .pdf (the detailed figures) in out_dir."""
    text = render_tableaux(data if data is not None else load(warehouse, annee))
    return pdf.ecrire(text, out_dir, f"tableaux_alses_{annee}")


def render_note_technique(data: ReportData) -> str:
    """The year's technical note, for the analysts: the extraction's rejections and the
    reconciliation with the published report, in the warehouse's own vocabulary (the
    public documents name no table, file or schema)."""
    return (
        environment()
        .get_template("note_technique.html.j2")
        .render(
            annee=data.annee,
            rapprochement=annexe_rapprochement(data),
            annexe_qualite=annexe_qualite(data),
        )
    )


def write_report(
    warehouse: Path, annee: str, out_dir: Path, data: ReportData | None = None
) -> tuple[Path, Path]:
    """Write rapport_alses_<annee>.html and .pdf, and the year's technical note
    (note_technique_<annee>.html and .pdf) in out_dir; return the report's paths."""
    data = data if data is not None else load(warehouse, annee)
    text, document = render(warehouse, annee, data)
    pdf.ecrire(render_note_technique(data), out_dir, f"note_technique_{annee}")
    return pdf.ecrire(text, out_dir, f"rapport_alses_{annee}", document)
