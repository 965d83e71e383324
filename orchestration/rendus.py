"""Render only the reports whose inputs changed, two at a time where it pays.

The inputs of a school year's report, territory sheets and detailed tables are the
rows of the marts they read for that year and the previous one (valeur_n_1,
evolution) — whole tables for those without `annee_scolaire` — and the code that
writes them (the `alses` package). Their fingerprint is stored beside the outputs
(`.empreinte_<sortie>_<année>`); a run renders a year again only when it differs or a
file is missing.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb

from alses.contract import annee_decalee
from alses.settings import ROOT, settings
from alses.sql import identifier, literal

#: The marts the report, the sheets and the tables read (alses/report, alses/disclosure).
ENTREES = (
    "indicateurs",
    "catalogue_indicateurs",
    "comparaisons_territoriales",
    "rapprochement_publication",
    "qualite_saisie",
    "secret_statistique",
)


def _empreinte_code() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "alses").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".md", ".css", ".html", ".j2", ".svg"}:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def empreintes(warehouse: Path, annees: list[str]) -> dict[str, str]:
    """{annee: fingerprint of what its report reads} for each year of `annees`."""
    if settings().target == "postgres":
        # The row digest below is DuckDB's (hash of a row); on PostgreSQL every report
        # is rendered at each run (a fingerprint that never repeats).
        return {annee: os.urandom(16).hex() for annee in annees}
    code = _empreinte_code()
    resultat = {}
    with duckdb.connect(str(warehouse), read_only=True, config=settings().duckdb_config()) as con:
        colonnes = {
            t: {
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts' "
                    "and table_name = ? and database_name = current_database()",
                    [t],
                ).fetchall()
            }
            for t in ENTREES
        }
        for annee in annees:
            digest = hashlib.sha256(code.encode())
            for table in ENTREES:
                if not colonnes[table]:
                    digest.update(f"{table}:absente".encode())
                    continue
                filtre = ""
                if "annee_scolaire" in colonnes[table]:
                    filtre = (
                        f" where t.annee_scolaire in ({literal(annee)}, "
                        f"{literal(annee_decalee(annee, -1))})"
                    )
                # An order-free digest of the rows: the count and the sum of row hashes.
                n, somme = con.execute(
                    f"select count(*), coalesce(sum(hash(t)), 0) from "
                    f"marts.{identifier(table)} as t{filtre}"
                ).fetchone()
                digest.update(f"{table}:{n}:{somme}".encode())
            resultat[annee] = digest.hexdigest()
    return resultat


def _marque(out_dir: Path, sortie: str, annee: str) -> Path:
    return out_dir / f".empreinte_{sortie}_{annee}"


def a_rendre(
    out_dir: Path, sortie: str, empreinte: dict[str, str], fichiers: Callable[[str], list[Path]]
) -> list[str]:
    """The years whose stored fingerprint differs, or with an output file missing."""
    todo = []
    for annee, valeur in empreinte.items():
        marque = _marque(out_dir, sortie, annee)
        deja = marque.read_text(encoding="utf-8").strip() if marque.is_file() else None
        if deja != valeur or not all(p.is_file() for p in fichiers(annee)):
            todo.append(annee)
    return todo


def noter(out_dir: Path, sortie: str, annee: str, valeur: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _marque(out_dir, sortie, annee).write_text(valeur + "\n", encoding="utf-8")


def oublier(out_dir: Path, sortie: str, annee: str) -> None:
    """Forget a year's fingerprint before rendering it: a failed render is redone."""
    _marque(out_dir, sortie, annee).unlink(missing_ok=True)


def fiches_et_tableaux(warehouse: Path, annee: str, out_dir: Path) -> list[Path]:
    """The territory sheets and the detailed tables of a year (here, not in the Dagster
    module: a worker process imports only what it renders)."""
    from alses.report.build import write_tableaux
    from alses.report.fiches import write_fiches

    return write_fiches(warehouse, annee, out_dir) + list(write_tableaux(warehouse, annee, out_dir))


def rendre(fonction: Callable, warehouse: Path, annees: list[str], out_dir: Path) -> dict:
    """Call fonction(warehouse, annee, out_dir) for each year; {annee: result}.

    Two years or more: in worker processes
    (spawned, not forked: the caller runs Dagster's threads), at most
    `settings().rendus_paralleles` at a time. The warehouse is only read.
    """
    workers = min(len(annees), settings().rendus_paralleles)
    if workers <= 1:
        return {annee: fonction(warehouse, annee, out_dir) for annee in annees}
    contexte = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=contexte) as pool:
        futures = {annee: pool.submit(fonction, warehouse, annee, out_dir) for annee in annees}
        return {annee: f.result() for annee, f in futures.items()}
