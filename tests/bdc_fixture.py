"""A tiny valid BDC drop, written by the tests (never the demo data)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

HEADERS = {
    "structures": ["structure_id", "nom", "territoire"],
    "colleges": ["college_uai", "nom", "commune", "territoire", "education_prioritaire"],
    "postes": [
        "poste_id",
        "structure_id",
        "fonction",
        "plan_pauvrete",
        "colleges_uai",
        "date_debut",
        "date_fin",
    ],
    "partenaires": ["partenaire_id", "nom", "type", "territoire", "college_uai"],
    "affectations": ["poste_id", "educateur_id", "date_debut", "date_fin"],
    "usagers": [
        "usager_id",
        "structure_id",
        "nom",
        "prenom",
        "date_naissance",
        "sexe",
        "commune_residence",
        "adresse",
        "reseaux_sociaux",
        "date_debut_accompagnement",
        "origine_demande",
        "origine_fonction_etab",
        "demande_principale",
        "demande_scolarite",
        "date_creation",
        "date_modification",
    ],
    "situations": [
        "situation_id",
        "usager_id",
        "date_situation",
        "scolarite",
        "college_uai",
        "classe",
        "hebergement",
        "mesures",
        "aides_financieres",
        "configuration_familiale",
        "ressources_familiales",
        "situation_professionnelle",
        "diplome",
    ],
    "interventions": [
        "intervention_id",
        "usager_id",
        "poste_id",
        "date_intervention",
        "duree_minutes",
        "jeune_present",
        "lieu",
        "objectifs",
        "membres_famille",
        "objectifs_famille",
        "partenaires",
        "dispositifs_internes",
    ],
}

ROWS = {
    "structures": [["S1", "Club A", "Lille"], ["S2", "Club B", "Douai"]],
    "colleges": [["0590001A", "Collège X", "Lille", "Lille", "REP+"]],
    "postes": [
        ["P1", "S1", "ALSES", "Oui", "0590001A", "01/09/2015", ""],
        ["P2", "S2", "Educateur de prévention spécialisée", "Non", "", "2010-01-01", ""],
    ],
    "partenaires": [
        ["PA1", "CMP", "Etablissement de soins (CMP, hôpital)", "Lille", ""],
        ["PA2", "Collège X", "Etablissement scolaire", "Lille", "0590001A"],
    ],
    "affectations": [["P1", "E1", "01/09/2015", ""], ["P2", "E2", "1/1/2010", ""]],
    "usagers": [
        [
            "U1",
            "S1",
            "Durand",
            "Léa",
            "15/03/2009",
            "Féminin",
            "Lille",
            "1 rue A",
            "@lea",
            "10/10/2021",
            "Etablissement scolaire",
            "Professeur",
            "Scolarité",
            "Difficultés relationnelles",
            "10/10/2021",
            "11/10/2021",
        ],
        [
            "U2",
            "S2",
            "Martin",
            "Tom",
            "2008-07-01",
            "Masculin",
            "Douai",
            "2 rue B",
            "",
            "",
            "Travail de rue",
            "",
            "Santé",
            "",
            "",
            "",
        ],
    ],
    "situations": [
        [
            "SIT1",
            "U1",
            "12/10/2021",
            "Collège",
            "0590001A",
            "4ème",
            "Domicile familial",
            "Aide éducative à domicile (AED)",
            "Fonds social collégien",
            "En couple",
            "Salaire | RSA",
            "",
            "",
        ],
        [
            "SIT2",
            "U2",
            "2022-01-05",
            "Lycée",
            "",
            "",
            "Domicile familial",
            "",
            "",
            "Monoparentale",
            "",
            "",
            "",
        ],
    ],
    "interventions": [
        [
            "I1",
            "U1",
            "P1",
            "15/10/2021",
            "60",
            "Oui",
            "Etablissement scolaire",
            "Santé",
            "Mère",
            "Accès aux droits",
            "PA1",
            "",
        ],
        ["I2", "U2", "P2", "3/3/2022", "30", "Non", "Domicile", "", "", "", "", "Atelier"],
    ],
}


def tables() -> dict[str, tuple[list[str], list[list[str]]]]:
    return {t: (list(HEADERS[t]), copy.deepcopy(ROWS[t])) for t in HEADERS}


def decaler(data: dict[str, tuple[list[str], list[list[str]]]], k: int) -> dict:
    """The drop `data` k school years later: every date (jj/mm/aaaa or aaaa-mm-jj) moved
    by k years, so every interval and age stays as it was."""

    def cell(c: str) -> str:
        c = re.sub(r"\b(\d{1,2}/\d{1,2}/)(\d{4})\b", lambda m: f"{m[1]}{int(m[2]) + k}", c)
        return re.sub(r"\b(\d{4})(-\d{2}-\d{2})\b", lambda m: f"{int(m[1]) + k}{m[2]}", c)

    return {t: (list(h), [[cell(c) for c in r] for r in rows]) for t, (h, rows) in data.items()}


def write_drop(
    root: Path,
    data: dict[str, tuple[list[str], list[list[str]]]] | None = None,
    annee: str = "2021-2022",
    encoding: str = "utf-8",
    sep: str = ";",
) -> Path:
    drop = root / annee
    drop.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in (data or tables()).items():
        lines = [sep.join(header)] + [sep.join(r) for r in rows]
        (drop / f"{name}.csv").write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return drop
