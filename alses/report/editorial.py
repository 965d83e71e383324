"""The director's voice: the editorial Markdown of alses/report/textes/chapitres/ (an
opening and a closing reading per chapter, the conclusion), with every figure it cites
written as a placeholder resolved from the marts.

A placeholder is `{indicateur:MODALITE}` (the ALSES share in the Nord), followed by any
of `:PS` (the whole Prévention Spécialisée), a territory code (`:DOU`), and a field
(`:effectif`, `:base`, `:annee_precedente`); `{insee:repere}` a benchmark of
textes/insee.csv; `{ecart:indicateur:MODALITE}` writes how
the ALSES share compares with the rest of the Prévention Spécialisée (« plus élevée
que », « plus faible que », « sans écart significatif avec »). A figure typed by hand
in these files fails a test (tests/test_report.py): a new year cannot leave a stale
number in the prose."""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown
from markupsafe import Markup

from alses.report.data import TERRITOIRES, TEXTES, ReportData, reperes_insee
from alses.report.formats import pct, typo
from alses.report.phrases import cell, ecart_ps
from alses.secret import est_masquee
from alses.territoires import DEPARTEMENT

DOSSIER = TEXTES / "chapitres"
PLACEHOLDER = re.compile(r"\{([a-z_]+(?::[A-Za-z0-9_]+)+)\}")
CHAMPS = {
    "effectif": "numerateur",
    "base": "denominateur",
    "annee_precedente": "valeur_n_1",
}
SENS = {
    "supérieur": "plus élevée que",
    "inférieur": "plus faible que",
    None: "sans écart significatif avec",
}
#: The headings that split a chapter file into its opening and its closing reading.
PARTIES = {"ouverture": "Ouverture", "lecture": "Lecture"}


class TexteInvalide(ValueError):
    """An editorial file the report cannot print: says the file, the line and what to do."""


@dataclass
class Chapitre:
    ouverture: Markup
    lecture: Markup


def _erreur(nom: str, ligne: int, message: str) -> TexteInvalide:
    return TexteInvalide(
        f"alses/report/textes/chapitres/{nom}, ligne {ligne} : {message} "
        "Corrigez le texte (voir alses/report/textes/README.md) puis relancez le rapport."
    )


def _valeur(data: ReportData, nom: str, ligne: int, jeton: str) -> Markup:
    parts = jeton.split(":")
    if parts[0] == "insee":
        reperes = reperes_insee()
        if len(parts) != 2 or parts[1] not in reperes:
            raise _erreur(
                nom, ligne, f"« {{{jeton}}} » : repères INSEE connus : {', '.join(reperes)}."
            )
        return Markup(pct(reperes[parts[1]].valeur))
    if parts[0] == "ecart":
        if len(parts) != 3:
            raise _erreur(nom, ligne, f"« {{{jeton}}} » : attendu {{ecart:indicateur:MODALITE}}.")
        sens = ecart_ps(data, parts[1], parts[2])
        if sens is False:
            raise _erreur(nom, ligne, f"« {{{jeton}}} » : cette part n'existe pas pour la PS.")
        return Markup(SENS[sens])
    ind, mod, *options = parts
    perimetre, territoire, champ = "ALSES", DEPARTEMENT, "valeur"
    for o in options:
        if o in ("ALSES", "PS"):
            perimetre = o
        elif o in TERRITOIRES:
            territoire = o
        elif o in CHAMPS:
            champ = CHAMPS[o]
        else:
            raise _erreur(
                nom,
                ligne,
                f"« {{{jeton}}} » : « {o} » n'est ni PS, ni un code de territoire "
                f"({', '.join(TERRITOIRES)}), ni {', '.join(CHAMPS)}.",
            )
    row = data.cell(ind, mod, perimetre, territoire)
    if row is None:
        raise _erreur(nom, ligne, f"« {{{jeton}}} » : aucun chiffre {ind} / {mod} dans l'entrepôt.")
    if territoire != DEPARTEMENT and est_masquee(row):
        raise _erreur(
            nom,
            ligne,
            f"« {{{jeton}}} » : ce chiffre est couvert par le secret statistique.",
        )
    return cell(row, champ)


def resoudre(data: ReportData, nom: str, texte: str) -> str:
    """The text with every placeholder replaced by its tagged figure (HTML)."""
    lignes = []
    for i, ligne in enumerate(texte.splitlines(), start=1):
        lignes.append(PLACEHOLDER.sub(lambda m, i=i: str(_valeur(data, nom, i, m.group(1))), ligne))
        reste = PLACEHOLDER.sub("", ligne)
        if "{" in reste or "}" in reste:
            raise _erreur(nom, i, "accolade sans code d'indicateur reconnu.")
    return "\n".join(lignes)


def _html(data: ReportData, nom: str, texte: str) -> Markup:
    return (
        Markup(markdown.markdown(typo(resoudre(data, nom, texte)))) if texte.strip() else Markup("")
    )


def chapitre(data: ReportData, chapitre_id: str) -> Chapitre:
    """The opening and the closing reading of a chapter (empty when its file is absent)."""
    nom = f"{chapitre_id}.md"
    path = DOSSIER / nom
    if not path.exists():
        return Chapitre(Markup(""), Markup(""))
    parties: dict[str, list[str]] = {}
    courante = None
    for ligne in path.read_text(encoding="utf-8").splitlines():
        titre = re.fullmatch(r"#\s*(\w+)\s*", ligne)
        if titre and titre.group(1).lower() in PARTIES:
            courante = titre.group(1).lower()
            parties[courante] = []
        elif courante is not None:
            parties[courante].append(ligne)
    return Chapitre(
        _html(data, nom, "\n".join(parties.get("ouverture", []))),
        _html(data, nom, "\n".join(parties.get("lecture", []))),
    )


def conclusion(data: ReportData) -> Markup:
    path = DOSSIER / "conclusion.md"
    return _html(data, path.name, path.read_text(encoding="utf-8")) if path.exists() else Markup("")
