"""The October gate: what the audit (controle.controle_annee, models/controle/) says of
each school year of a run, whether the year may be published, and the coordinator's
control page (outputs/controle_<année>.html and .pdf).

A year with a `bloquant` row is loaded and built, but nothing public is written for it
(the Dagster asset `controle/garde` fails its blocking check: the report, the territory
sheets, the open data and the analysts' file are not materialized), unless the
coordinator accepts it: `make run ACCEPTER=2022-2023` (ALSES_ACCEPTER, comma-separated
years). An acceptance is recorded (pilotage.acceptations_controle: year, drop load_id,
login, time, the checks it overrode) and holds for that drop while the same checks
block; the next publication journals it (marts.journal_publications.acceptations).
docs/controle_octobre.md.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import jinja2

from alses.settings import settings

#: The years the coordinator accepts despite blocking checks (comma-separated).
VARIABLE_ACCEPTER = "ALSES_ACCEPTER"
#: Rows shown per check on the page (the table controle.controle_annee has them all).
LIGNES_PAR_CONTROLE = 40

ACCEPTATIONS_DDL = """
create table if not exists pilotage.acceptations_controle (
    annee_scolaire varchar,
    load_id varchar,
    accepte_par varchar,
    accepte_le timestamptz,
    controles varchar,
    publication_id integer
)"""


#: The checks whose table holds only the rows they flag.
SANS_LIGNE_SI_CONFORME = {"libelle_inconnu"}


class AcceptationError(ValueError):
    """ALSES_ACCEPTER holds something that is not a school year."""


@dataclass
class Controle:
    """One check of one year: its definition (seeds/controle_seuils.csv) and its rows."""

    code: str
    libelle: str
    niveau: str
    raison: str
    que_faire: str
    compare: bool
    seuil_alerte: float | None
    seuil_bloquant: float | None
    lignes: list[dict] = field(default_factory=list)

    @property
    def statut(self) -> str:
        statuts = {ligne["statut"] for ligne in self.lignes}
        for statut in ("bloquant", "alerte", "sans comparaison", "conforme"):
            if statut in statuts:
                return statut
        # The labels check writes only the columns it flags; the others, nothing to judge
        # (no file, structure or month above the check's minimum base).
        return "conforme" if self.code in SANS_LIGNE_SI_CONFORME else "non évalué"

    @property
    def signalees(self) -> list[dict]:
        """Its rows that are not `conforme`, blocking ones first."""
        ordre = {"bloquant": 0, "alerte": 1, "sans comparaison": 2}
        return sorted(
            (ligne for ligne in self.lignes if ligne["statut"] in ordre),
            key=lambda ligne: (ordre[ligne["statut"]], str(ligne["objet_libelle"])),
        )


@dataclass
class AnneeControlee:
    annee: str
    load_id: str | None
    controles: list[Controle]
    acceptee_par: str | None = None
    acceptee_le: datetime | None = None
    page: Path | None = None

    @property
    def bloquants(self) -> list[Controle]:
        return [c for c in self.controles if c.statut == "bloquant"]

    @property
    def premiere(self) -> bool:
        """The first year of the warehouse: its comparisons have nothing to compare with."""
        return any(c.statut == "sans comparaison" for c in self.controles)

    @property
    def publiable(self) -> bool:
        return not self.bloquants or self.acceptee_par is not None


def annees_acceptees(valeur: str | None = None) -> set[str]:
    """The school years of ALSES_ACCEPTER (`2022-2023,2023-2024`), checked."""
    valeur = os.environ.get(VARIABLE_ACCEPTER, "") if valeur is None else valeur
    annees = {a.strip() for a in valeur.split(",") if a.strip()}
    for annee in sorted(annees):
        debut, _, fin = annee.partition("-")
        if not re.fullmatch(r"[0-9]{4}-[0-9]{4}", annee) or int(fin) != int(debut) + 1:
            raise AcceptationError(
                f"{VARIABLE_ACCEPTER} (ou make run ACCEPTER=…) : « {annee} » n'est pas une "
                "année scolaire ; écrivez par exemple ACCEPTER=2022-2023 (plusieurs années "
                "séparées par des virgules)."
            )
    return annees


def controler(
    warehouse: Path,
    annees: list[str],
    output_dir: Path,
    accepter: set[str] | None = None,
    login: str | None = None,
) -> list[AnneeControlee]:
    """The audit of `annees` read from the warehouse, the coordinator's acceptances
    applied and recorded, and each year's control page written (HTML and PDF)."""
    accepter = annees_acceptees() if accepter is None else accepter
    config = settings().duckdb_config()
    with duckdb.connect(str(warehouse), config=config) as con:
        resultats = [_lire(con, annee) for annee in annees]
        con.execute("create schema if not exists pilotage")
        con.execute(ACCEPTATIONS_DDL)
        for resultat in resultats:
            _accepter(con, resultat, resultat.annee in accepter, login)
    output_dir.mkdir(parents=True, exist_ok=True)
    for resultat in resultats:
        resultat.page = ecrire_page(resultat, output_dir)
    return resultats


def _lire(con: duckdb.DuckDBPyConnection, annee: str) -> AnneeControlee:
    seuils = con.execute(
        "select controle, libelle, niveau, raison, que_faire, compare, seuil_alerte, "
        "seuil_bloquant from seeds.controle_seuils"
    ).fetchall()
    controles = {
        code: Controle(code, libelle, niveau, raison, que_faire, compare == "oui", alerte, bloc)
        for code, libelle, niveau, raison, que_faire, compare, alerte, bloc in seuils
    }
    lignes = con.execute(
        "select * from controle.controle_annee where annee_scolaire = ? order by all", [annee]
    )
    colonnes = [d[0] for d in lignes.description]
    for row in lignes.fetchall():
        ligne = dict(zip(colonnes, row, strict=True))
        controles[ligne["controle"]].lignes.append(ligne)
    load_id = con.execute(
        "select max(load_id) from raw.chargements where annee_scolaire = ?", [annee]
    ).fetchone()[0]
    return AnneeControlee(annee, load_id, list(controles.values()))


def _accepter(
    con: duckdb.DuckDBPyConnection, resultat: AnneeControlee, demandee: bool, login: str | None
) -> None:
    """Apply an acceptance: asked now (recorded), or recorded before for the same drop
    and covering every check that blocks now."""
    codes = sorted(c.code for c in resultat.bloquants)
    if not codes:
        return
    if demandee:
        par = login or _login()
        le = datetime.now(UTC)
        con.execute(
            "delete from pilotage.acceptations_controle where annee_scolaire = ? "
            "and load_id = ? and publication_id is null",
            [resultat.annee, resultat.load_id],
        )
        con.execute(
            "insert into pilotage.acceptations_controle values (?, ?, ?, ?, ?, null)",
            [resultat.annee, resultat.load_id, par, le, json.dumps(codes)],
        )
        resultat.acceptee_par, resultat.acceptee_le = par, le
        return
    for par, le, controles in con.execute(
        "select accepte_par, accepte_le, controles from pilotage.acceptations_controle "
        "where annee_scolaire = ? and load_id = ? order by accepte_le desc",
        [resultat.annee, resultat.load_id],
    ).fetchall():
        if set(codes) <= set(json.loads(controles)):
            resultat.acceptee_par, resultat.acceptee_le = par, le
            return


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container
        return f"uid {os.getuid()}"


def message_arret(resultats: list[AnneeControlee]) -> str:
    """The French message of a run stopped by the gate: each year, its failed checks
    and its page, and how to accept it."""
    lignes = []
    for r in resultats:
        if r.publiable:
            continue
        lignes.append(
            f"Année {r.annee} : contrôle d'octobre bloquant — "
            + " ; ".join(f"{c.libelle} ({_resume(c)})" for c in r.bloquants)
            + "."
        )
        lignes.append(f"  Page de contrôle : {r.page}")
    bloquees = [r.annee for r in resultats if not r.publiable]
    lignes.append(
        "Rien de public n'a été écrit (rapport, fiches, données ouvertes, fichier des "
        "analystes) ; l'année est chargée et interrogeable (controle.controle_annee). "
        "Après lecture de la page, corrigez le dépôt ou acceptez l'année : "
        f"make run ACCEPTER={','.join(bloquees)}"
    )
    return "\n".join(lignes)


def _resume(controle: Controle) -> str:
    bloquantes = [ligne for ligne in controle.signalees if ligne["statut"] == "bloquant"]
    noms = []
    for ligne in bloquantes:
        nom = str(ligne["objet_libelle"])
        if nom not in noms:
            noms.append(nom)
    texte = ", ".join(noms[:4])
    if len(noms) > 4:
        texte += f" et {len(noms) - 4} autre(s)"
    return texte


def resume(resultats: list[AnneeControlee]) -> str:
    """One line per year for the end of `make run`: the verdict and the page."""
    lignes = ["Contrôle d'octobre :"]
    for r in resultats:
        if r.bloquants and r.acceptee_par:
            verdict = (
                f"accepté par {r.acceptee_par} malgré {len(r.bloquants)} contrôle(s) bloquant(s)"
            )
        elif r.bloquants:
            verdict = f"{len(r.bloquants)} contrôle(s) bloquant(s)"
        else:
            alertes = sum(1 for c in r.controles if c.statut == "alerte")
            verdict = "aucune anomalie bloquante" + (f", {alertes} alerte(s)" if alertes else "")
        lignes.append(f"  {r.annee} : {verdict} — {r.page}")
    return "\n".join(lignes)


def pages(output_dir: Path, annees: list[str]) -> list[Path]:
    return [output_dir / f"controle_{annee}.html" for annee in annees]


# --- The page ------------------------------------------------------------------------

STATUTS = {
    "bloquant": "Bloquant",
    "alerte": "Alerte",
    "conforme": "Conforme",
    "sans comparaison": "Sans comparaison",
    "non évalué": "Non évalué",
}


def nombre(valeur: float | int | None, decimales: int = 2) -> str:
    """A figure in French: narrow no-break space between thousands, decimal comma."""
    if valeur is None:
        return "—"
    if float(valeur).is_integer():
        texte = f"{int(valeur):,}"
    else:
        texte = f"{valeur:,.{decimales}f}".rstrip("0").rstrip(".")
    return texte.replace(",", "\u202f").replace(".", ",")


def ecrire_page(resultat: AnneeControlee, output_dir: Path) -> Path:
    """outputs/controle_<année>.html and its PDF (WeasyPrint)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["nombre"] = nombre
    html = env.get_template("controle.html.j2").render(
        r=resultat,
        statuts=STATUTS,
        limite=LIGNES_PAR_CONTROLE,
        references=sorted(
            {ligne["reference"] for c in resultat.controles for ligne in c.lignes} - {None}
        ),
    )
    chemin = output_dir / f"controle_{resultat.annee}.html"
    _remplacer(chemin, html.encode("utf-8"))
    import weasyprint  # imported here: a second or two, only when a page is written

    _remplacer(chemin.with_suffix(".pdf"), weasyprint.HTML(string=html).write_pdf())
    return chemin


def _remplacer(chemin: Path, contenu: bytes) -> None:
    tmp = chemin.with_name(f".{chemin.name}.tmp")
    tmp.write_bytes(contenu)
    os.replace(tmp, chemin)


# --- The publication journal ---------------------------------------------------------


def acceptations_a_journaliser(con: duckdb.DuckDBPyConnection, base: str) -> dict:
    """The acceptances not journaled yet of `base` (an attached warehouse), for the
    journal row of the publication being written: {year: {load_id, par, le, controles}}."""
    existe = con.execute(
        "select count(*) from duckdb_tables() where database_name = ? "
        "and schema_name = 'pilotage' and table_name = 'acceptations_controle'",
        [base],
    ).fetchone()[0]
    if not existe:
        return {}
    rows = con.execute(
        f"select annee_scolaire, load_id, accepte_par, accepte_le, controles "
        f'from "{base}".pilotage.acceptations_controle where publication_id is null '
        "order by accepte_le"
    ).fetchall()
    return {
        annee: {
            "load_id": load_id,
            "accepte_par": par,
            "accepte_le": le.isoformat(),
            "controles": json.loads(controles),
        }
        for annee, load_id, par, le, controles in rows
    }


def noter_journalisees(con: duckdb.DuckDBPyConnection, publication_id: int) -> None:
    """Mark the acceptances just journaled with their publication (work warehouse)."""
    existe = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'pilotage' and table_name = 'acceptations_controle'"
    ).fetchone()[0]
    if existe:
        con.execute(
            "update pilotage.acceptations_controle set publication_id = ? "
            "where publication_id is null",
            [publication_id],
        )
