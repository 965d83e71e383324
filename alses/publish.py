"""Write-audit-publish: copy the audited marts into the analysts' DuckDB file, atomically.

The work warehouse is built and checked first (dbt tests, reconciliation, row
accounting); only then is the `marts` schema copied, with a data dictionary, into a
new file beside the published one, which then replaces it by `os.replace` — an atomic
rename. An analyst's open read-only connection keeps reading the file it opened (the
old inode) and never sees a mix; the next connection opens the new file. A failed or
killed build never reaches the rename, so the published file stays byte-identical.

Every publication is journaled (`marts.journal_publications`: when, which drops by
their content hash `load_id`, a fingerprint of every mart) and compared with the file
it replaces (`marts.ecarts_publication`: every cell of `marts.indicateurs` added,
removed or changed, with old value, new value and difference). Both tables live in
the work warehouse (outside dbt, which never drops them) and are copied to each
published file.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from alses.controle import acceptations_a_journaliser, noter_journalisees
from alses.disclosure import CLES
from alses.marts import colonnes as colonnes_du_contrat
from alses.opendata import DESCRIPTION_SECRET
from alses.settings import settings
from alses.sql import identifier, literal

#: Older engines and BI drivers read this storage version (duckdb-cli 1.5, most drivers).
STORAGE_VERSION = "v1.2.0"


def publish(warehouse: Path, published: Path) -> dict[str, int]:
    """Publish the `marts` schema of `warehouse` to `published`; return rows per table."""
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    for stale in published.parent.glob(f".{published.name}.*.tmp"):
        stale.unlink()
    counts: dict[str, int] = {}
    config = settings().duckdb_config()  # memory_limit, threads, temp_directory
    with duckdb.connect(str(warehouse), config=config) as con:  # the journal's tables
        if _a_table(con, _catalogue(con), "marts", "indicateurs"):
            _creer_journal(con, _catalogue(con))
    with duckdb.connect(config=config) as con:
        con.execute(f"attach {literal(warehouse)} as travail (read_only)")
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' "
                "and database_name = 'travail' order by 1"
            ).fetchall()
        ]
        if not tables:
            raise RuntimeError(
                f"{warehouse} n'a pas de schéma marts : construisez les modèles avant de publier."
            )
        version = literal(STORAGE_VERSION)
        con.execute(f"attach {literal(tmp)} as publie (storage_version {version})")
        try:
            con.execute("create schema publie.marts")
            tables = [t for t in tables if t not in JOURNAL]
            journal = _journaliser(con, tables, published)
            avec_secret = "secret_statistique" in tables
            for table in tables:
                name = identifier(table)
                if table == "indicateurs" and avec_secret:
                    # The exact figures, plus which cells the public outputs suppress.
                    con.execute(
                        "create table publie.marts.indicateurs as "
                        "select i.*, s.secret_statistique from travail.marts.indicateurs as i "
                        "left join travail.marts.secret_statistique as s on "
                        + " and ".join(f"i.{c} = s.{c}" for c in CLES)
                        + " order by "
                        + ", ".join(f"i.{c}" for c in CLES)
                    )
                else:
                    con.execute(
                        f"create table publie.marts.{name} as select * from travail.marts.{name}"
                    )
                count = con.execute(f"select count(*) from publie.marts.{name}").fetchone()
                counts[table] = count[0]
            con.execute(
                """
                create table publie.marts.dictionnaire as
                select
                    c.table_name as table_name,
                    c.column_name as colonne,
                    c.data_type as type,
                    t.comment as description_table,
                    c.comment as description
                from duckdb_columns() as c
                join duckdb_tables() as t
                    on t.database_name = c.database_name
                    and t.schema_name = c.schema_name and t.table_name = c.table_name
                where c.database_name = 'travail' and c.schema_name = 'marts'
                order by c.table_name, c.column_index
                """
            )
            if avec_secret:
                con.execute(
                    "insert into publie.marts.dictionnaire "
                    "select 'indicateurs', 'secret_statistique', 'VARCHAR', "
                    "(select comment from duckdb_tables() where database_name = 'travail' "
                    "and schema_name = 'marts' and table_name = 'indicateurs'), ?",
                    [DESCRIPTION_SECRET],
                )
            counts["dictionnaire"] = con.execute(
                "select count(*) from publie.marts.dictionnaire"
            ).fetchone()[0]
            for table in JOURNAL:
                counts[table] = con.execute(
                    f"select count(*) from publie.marts.{table}"
                ).fetchone()[0]
            con.execute("checkpoint publie")
        finally:
            con.execute("detach publie")
            con.execute("detach travail")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    # Published: now the work warehouse's journal records it too.
    with duckdb.connect(str(warehouse), config=config) as con:
        con.execute(f"attach {literal(published)} as publie (read_only)")
        _creer_journal(con, _catalogue(con))
        for table in JOURNAL:
            con.execute(
                f"insert into marts.{table} select * from publie.marts.{table} "
                "where publication_id = ?",
                [journal],
            )
        con.execute("detach publie")
        noter_journalisees(con, journal)
    return counts


#: The journal's tables: kept across runs in the work warehouse, copied to each file.
JOURNAL = ("journal_publications", "ecarts_publication")
#: A cell has changed when one of its numbers differs (marts.indicateurs' contract).
COMPAREES = tuple(c.name for c in colonnes_du_contrat("indicateurs") if c.nombre)


def _creer_journal(con: duckdb.DuckDBPyConnection, catalogue: str) -> None:
    base = identifier(catalogue)
    con.execute(f"create schema if not exists {base}.marts")
    con.execute(
        f"""
        create table if not exists {base}.marts.journal_publications (
            publication_id integer,
            publie_le timestamptz,
            fichier varchar,
            depots varchar,
            empreintes varchar,
            cellules_modifiees integer,
            cellules_ajoutees integer,
            cellules_retirees integer,
            acceptations varchar
        )
        """
    )
    # A journal written before the October gate existed gains the column.
    con.execute(
        f"alter table {base}.marts.journal_publications "
        "add column if not exists acceptations varchar"
    )
    con.execute(
        f"""
        create table if not exists {base}.marts.ecarts_publication (
            publication_id integer,
            annee_scolaire varchar,
            perimetre varchar,
            territoire_code varchar,
            indicateur varchar,
            modalite varchar,
            statut varchar,
            colonnes_modifiees varchar,
            ancienne_valeur double,
            nouvelle_valeur double,
            difference double,
            ancien_numerateur bigint,
            nouveau_numerateur bigint,
            ancien_denominateur bigint,
            nouveau_denominateur bigint
        )
        """
    )
    descriptions = {
        "journal_publications": "Journal des publications du fichier des analystes : date, "
        "dépôts publiés (empreinte load_id de leur contenu, par année), empreinte de chaque "
        "mart, nombre de cellules de marts.indicateurs modifiées, ajoutées, retirées.",
        "ecarts_publication": "Chaque cellule de marts.indicateurs ajoutée, retirée ou "
        "modifiée par une publication par rapport à la précédente : ancienne et nouvelle "
        "valeur, différence, colonnes modifiées.",
    }
    for table, texte in descriptions.items():
        con.execute(f"comment on table {base}.marts.{table} is {literal(texte)}")
    for table, colonnes in COLONNES_JOURNAL.items():
        for colonne, texte in colonnes.items():
            con.execute(f"comment on column {base}.marts.{table}.{colonne} is {literal(texte)}")


_CLE = {
    "annee_scolaire": "Année scolaire de la cellule.",
    "perimetre": "Périmètre de la cellule (ALSES ou PS).",
    "territoire_code": "Territoire de la cellule (NORD pour le département).",
    "indicateur": "Indicateur de la cellule.",
    "modalite": "Modalité de la cellule.",
}
COLONNES_JOURNAL = {
    "journal_publications": {
        "publication_id": "Numéro de la publication (1, 2, …).",
        "publie_le": "Date et heure de la publication.",
        "fichier": "Fichier publié (ALSES_PUBLISHED).",
        "depots": "Dépôts publiés : pour chaque année scolaire, l'empreinte (load_id) du "
        "contenu de son dépôt BDC (JSON).",
        "empreintes": "Empreinte (md5 du contenu trié) de chaque mart publié (JSON).",
        "cellules_modifiees": "Cellules de marts.indicateurs modifiées depuis la publication "
        "précédente.",
        "cellules_ajoutees": "Cellules de marts.indicateurs absentes de la publication précédente.",
        "cellules_retirees": "Cellules de la publication précédente absentes de celle-ci.",
        "acceptations": "Années publiées malgré un contrôle d'octobre bloquant (JSON) : pour "
        "chacune, l'empreinte du dépôt, le nom de connexion de qui l'a acceptée (make run "
        "ACCEPTER=…), quand, et les contrôles levés (docs/controle_octobre.md).",
    },
    "ecarts_publication": {
        "publication_id": "Publication qui a apporté l'écart (marts.journal_publications).",
        **_CLE,
        "statut": "`modifiée`, `ajoutée` ou `retirée`.",
        "colonnes_modifiees": f"Colonnes dont la valeur a changé ({', '.join(COMPAREES)}).",
        "ancienne_valeur": "Valeur dans la publication précédente.",
        "nouvelle_valeur": "Valeur dans cette publication.",
        "difference": "Nouvelle valeur moins ancienne valeur.",
        "ancien_numerateur": "Numérateur dans la publication précédente.",
        "nouveau_numerateur": "Numérateur dans cette publication.",
        "ancien_denominateur": "Dénominateur dans la publication précédente.",
        "nouveau_denominateur": "Dénominateur dans cette publication.",
    },
}


def _journaliser(con: duckdb.DuckDBPyConnection, tables: list[str], published: Path) -> int:
    """Write this publication's journal row and its differences with the file it
    replaces into `publie` (copying the past journal from `travail`); return its id."""
    _creer_journal(con, "publie")
    passe = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'travail' "
            "and schema_name = 'marts'"
        ).fetchall()
    }
    for table in JOURNAL:
        if table in passe:
            con.execute(f"insert into publie.marts.{table} select * from travail.marts.{table}")
    publication = con.execute(
        "select coalesce(max(publication_id), 0) + 1 from publie.marts.journal_publications"
    ).fetchone()[0]
    empreintes = {
        table: con.execute(
            "select md5(coalesce(string_agg(cast(x as varchar), chr(10) "
            f"order by cast(x as varchar)), '')) from travail.marts.{table} as x"
        ).fetchone()[0]
        for table in tables
    }
    depots = (
        dict(
            con.execute(
                "select annee_scolaire, string_agg(distinct load_id, ',') "
                "from travail.raw.chargements group by 1 order by 1"
            ).fetchall()
        )
        if _a_table(con, "travail", "raw", "chargements")
        else {}
    )
    cles = ["annee_scolaire", "perimetre", "territoire_code", "indicateur", "modalite"]
    comparables = "indicateurs" in tables and _colonnes_cellule(con, "travail")
    ancien = published.is_file() and comparables
    if ancien:
        con.execute(f"attach {literal(published)} as precedente (read_only)")
        ancien = _colonnes_cellule(con, "precedente")
        if not ancien:
            con.execute("detach precedente")
    if ancien:
        jointure = " and ".join(f"a.{c} = n.{c}" for c in cles)
        diff = " or ".join(f"a.{c} is distinct from n.{c}" for c in COMPAREES)
        modifiees = " || ".join(
            f"case when a.{c} is distinct from n.{c} then '{c} ' else '' end" for c in COMPAREES
        )
        con.execute(
            f"""
            insert into publie.marts.ecarts_publication
            select
                {publication},
                {", ".join(f"coalesce(n.{c}, a.{c})" for c in cles)},
                case when a.annee_scolaire is null then 'ajoutée'
                    when n.annee_scolaire is null then 'retirée' else 'modifiée' end,
                trim({modifiees}),
                a.valeur, n.valeur, n.valeur - a.valeur,
                a.numerateur, n.numerateur, a.denominateur, n.denominateur
            from precedente.marts.indicateurs as a
            full outer join travail.marts.indicateurs as n on {jointure}
            where a.annee_scolaire is null or n.annee_scolaire is null or ({diff})
            order by all
            """
        )
        con.execute("detach precedente")
    elif comparables:  # nothing published before: every cell is new
        con.execute(
            f"""
            insert into publie.marts.ecarts_publication
            select {publication}, {", ".join(cles)}, 'ajoutée', null,
                null, valeur, null, null, numerateur, null, denominateur
            from travail.marts.indicateurs order by all
            """
        )
    statuts = dict(
        con.execute(
            "select statut, count(*) from publie.marts.ecarts_publication "
            "where publication_id = ? group by 1",
            [publication],
        ).fetchall()
    )
    con.execute(
        "insert into publie.marts.journal_publications values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            publication,
            datetime.now(UTC),
            str(published),
            json.dumps(depots, sort_keys=True),
            json.dumps(empreintes, sort_keys=True),
            statuts.get("modifiée", 0),
            statuts.get("ajoutée", 0),
            statuts.get("retirée", 0),
            json.dumps(acceptations_a_journaliser(con, "travail"), sort_keys=True),
        ],
    )
    return publication


def _colonnes_cellule(con: duckdb.DuckDBPyConnection, base: str) -> bool:
    """True when `base`.marts.indicateurs has the cell keys and the compared columns."""
    colonnes = {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where database_name = ? "
            "and schema_name = 'marts' and table_name = 'indicateurs'",
            [base],
        ).fetchall()
    }
    return set(_CLE) | set(COMPAREES) <= colonnes


def _a_table(con: duckdb.DuckDBPyConnection, base: str, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? "
            "and table_name = ?",
            [base, schema, table],
        ).fetchone()[0]
    )


def derniere_publication(warehouse: Path) -> int:
    """The id of the last publication journaled in the work warehouse (0: none)."""
    if not Path(warehouse).is_file():
        return 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not _a_table(con, _catalogue(con), "marts", "journal_publications"):
            return 0
        return con.execute(
            "select coalesce(max(publication_id), 0) from marts.journal_publications"
        ).fetchone()[0]


def _catalogue(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]


def resume_publications(warehouse: Path, depuis: int = 0) -> str:
    """One line: the cells of marts.indicateurs changed by the publications after `depuis`."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not _a_table(con, _catalogue(con), "marts", "ecarts_publication"):
            return "Journal des publications : aucune publication."
        modifiees, ajoutees, retirees, publications = con.execute(
            """
            select
                count(distinct (annee_scolaire, perimetre, territoire_code, indicateur, modalite))
                    filter (where statut = 'modifiée'),
                count(*) filter (where statut = 'ajoutée'),
                count(*) filter (where statut = 'retirée'),
                (select count(*) from marts.journal_publications where publication_id > ?)
            from marts.ecarts_publication where publication_id > ?
            """,
            [depuis, depuis],
        ).fetchone()
    return (
        f"Journal des publications (marts.journal_publications) : {publications} "
        f"publication(s), {modifiees} cellule(s) modifiée(s), {ajoutees} ajoutée(s), "
        f"{retirees} retirée(s) depuis la publication précédente — détail : "
        "marts.ecarts_publication."
    )
