"""Render only the reports whose inputs changed, every document of a run in one pool
of processes.

The inputs of a school year's report, territory sheets and detailed tables are the
rows of the marts they read for that year and the previous one (valeur_n_1,
evolution) — whole tables for those without `annee_scolaire` — and the code that
writes them (the `alses` package). Their fingerprint is computed once per run and
stored beside the outputs (`.empreinte_<sortie>_<année>`); a run renders a year again
only when it differs or a file is missing.

Each document (a report, a territory sheet, the detailed tables) is one task of a pool
of `settings().rendus_paralleles` worker processes, shared by both report assets of a
run: the workers import WeasyPrint and pandas once (forked from a preloaded server) and
load a year's marts once (cached by the year's fingerprint) for all its documents.
"""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import duckdb

from alses.contract import annee_decalee
from alses.settings import empreinte_sources, settings
from alses.sql import identifier, literals

#: The marts the report, the sheets and the tables read (alses/report, alses/disclosure):
#: the inputs of their fingerprint, and what both report assets and the publication wait
#: for (orchestration/assets/report.py, MARTS). The one list.
ENTREES = (
    "indicateurs",
    "catalogue_indicateurs",
    "comparaisons_territoriales",
    "rapprochement_publication",
    "qualite_saisie",
    "secret_statistique",
)


#: {(run id, warehouse, years): fingerprints}: both report assets of a run read them.
_EMPREINTES: dict[tuple, dict[str, str]] = {}


def empreintes(warehouse: Path, annees: list[str], run_id: str | None = None) -> dict[str, str]:
    """{annee: fingerprint of what its report reads} for each year of `annees`; computed
    once per run (`run_id`): the marts do not change between the report assets."""
    cle = (run_id, str(warehouse), tuple(annees))
    if run_id is not None and cle in _EMPREINTES:
        return _EMPREINTES[cle]
    resultat = _calculer_empreintes(warehouse, annees)
    if run_id is not None:
        _EMPREINTES.clear()  # one run at a time per process
        _EMPREINTES[cle] = resultat
    return resultat


def _calculer_empreintes(warehouse: Path, annees: list[str]) -> dict[str, str]:
    if settings().target == "postgres":
        # The row digest below is DuckDB's (hash of a row); on PostgreSQL every report
        # is rendered at each run (a fingerprint that never repeats).
        return {annee: os.urandom(16).hex() for annee in annees}
    code = empreinte_sources(("alses",))  # the code that writes the documents
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
                        " where t.annee_scolaire in "
                        f"({literals([annee, annee_decalee(annee, -1)])})"
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


#: The report assets' outputs (asset keys ["outputs", <sortie>]), the report first.
SORTIES = ("rapport_alses", "fiches_territoire")


def documents(sortie: str) -> list[str]:
    """The documents of an output for one year: "rapport", "tableaux" or a territory."""
    if sortie == "rapport_alses":
        return ["rapport"]
    from alses.territoires import TERRITOIRES

    return ["tableaux", *TERRITOIRES]  # the longest first: the pool ends together


#: A worker's loaded marts: {(warehouse, year, fingerprint): ReportData}.
_DONNEES: dict[tuple, object] = {}


def rendre_document(
    warehouse: Path,
    annee: str,
    out_dir: Path,
    document: str,
    empreinte: str,
    environ: dict[str, str] | None = None,
):
    """Render one document of a year; return its paths. In a worker process (or the
    caller's): the year's marts are loaded once per fingerprint, for all its documents.
    `environ`: the caller's environment (settings, engine), which a worker forked from
    the pool's server would otherwise have as it was when the server started."""
    if environ is not None and environ != os.environ:
        os.environ.clear()
        os.environ.update(environ)
    from alses.report import charts
    from alses.report.build import write_report, write_tableaux
    from alses.report.data import load
    from alses.report.fiches import write_fiche

    cle = (str(warehouse), annee, empreinte)
    if cle not in _DONNEES:
        if len(_DONNEES) >= 2:  # a year's documents are rendered together
            _DONNEES.pop(next(iter(_DONNEES)))
        _DONNEES[cle] = load(warehouse, annee)
    data = _DONNEES[cle]
    charts.reinitialiser()
    if document == "rapport":
        return list(write_report(warehouse, annee, out_dir, data))
    if document == "tableaux":
        return list(write_tableaux(warehouse, annee, out_dir, data))
    return list(write_fiche(data, document, out_dir))


_POOL: ProcessPoolExecutor | None = None
_VERROU = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor:
    """The run's pool, started at its first use. Workers are forked from a server that
    imported the renderer once (not from the caller, which runs Dagster's threads)."""
    global _POOL
    with _VERROU:  # prechauffer's thread or the report assets
        if _POOL is None:
            contexte = multiprocessing.get_context("forkserver")
            contexte.set_forkserver_preload(
                ["orchestration.rendus", "alses.report.build", "alses.report.fiches", "weasyprint"]
            )
            _POOL = ProcessPoolExecutor(max_workers=workers, mp_context=contexte)
            atexit.register(fermer)
        return _POOL


def prechauffer(selection: set | None) -> None:
    """Start the run's pool now (the dbt asset, when its build starts), ahead of its
    first document: its server imports the renderer (≈ 1.5 s on one core) beside dbt's
    own start-up (one core), not once the documents are due. In a thread: starting a
    worker waits for the server's imports. Not when the run's `selection` (asset keys;
    None or empty: the whole job) has no report asset, nor with one process
    (ALSES_RENDUS_PARALLELES = 1: the documents are rendered in the caller)."""
    rapports = {("outputs", sortie) for sortie in SORTIES}
    workers = settings().rendus_paralleles
    if workers > 1 and (not selection or any(tuple(k.path) in rapports for k in selection)):
        threading.Thread(target=lambda: _pool(workers).submit(os.getpid), daemon=True).start()


def fermer() -> None:
    """Stop the pool's workers (end of a run, or an interrupted one: the documents not
    started are cancelled; they hold no connection between tasks)."""
    global _POOL
    with _VERROU:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(cancel_futures=True)
    _DONNEES.clear()
    _AVANCE.clear()


#: Documents submitted ahead by the run's first report asset for the other one:
#: {(sortie, annee, empreinte): futures}; the other asset waits for them.
_AVANCE: dict[tuple[str, str, str], list[Future]] = {}


def _soumettre(sortie: str, warehouse: Path, empreinte: dict[str, str], out_dir: Path):
    pool = _pool(settings().rendus_paralleles)
    environ = dict(os.environ)
    return {
        annee: [
            pool.submit(rendre_document, warehouse, annee, out_dir, doc, empreinte[annee], environ)
            for doc in documents(sortie)
        ]
        for annee in empreinte
    }


def en_parallele(taches: int) -> bool:
    """Whether `taches` documents go to the pool (started, or worth starting)."""
    return _POOL is not None or (settings().rendus_paralleles > 1 and taches > 1)


def avancer(sortie: str, warehouse: Path, empreinte: dict[str, str], out_dir: Path) -> None:
    """Submit the documents of the run's other report asset now, so that every document
    of the run shares the pool at once (the longest first); that asset then only waits
    for them (`rendre`)."""
    for annee, futures in _soumettre(sortie, warehouse, empreinte, out_dir).items():
        _AVANCE[(sortie, annee, empreinte[annee])] = futures


def rendre(sortie: str, warehouse: Path, empreinte: dict[str, str], out_dir: Path) -> list[str]:
    """Render every document of `sortie` for each year of `empreinte`; the years done.

    One document only, and no pool started yet: in this process. Otherwise every
    document is a task of the run's pool (at most `settings().rendus_paralleles`
    processes), started at its first use and kept for the run's other report asset;
    documents already submitted for this fingerprint (`avancer`) are waited for.
    """
    avance = {
        a: _AVANCE.pop((sortie, a, e)) for a, e in empreinte.items() if (sortie, a, e) in _AVANCE
    }
    reste = {a: e for a, e in empreinte.items() if a not in avance}
    if not avance and not en_parallele(len(reste) * len(documents(sortie))):
        for annee in reste:
            for doc in documents(sortie):
                rendre_document(warehouse, annee, out_dir, doc, reste[annee])
        return list(empreinte)
    futures = _soumettre(sortie, warehouse, reste, out_dir) if reste else {}
    for f in [f for fs in (*avance.values(), *futures.values()) for f in fs]:
        f.result()
    return list(empreinte)
