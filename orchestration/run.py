"""`make run`: write the demo drops if there is none, load every school year, summarise.

Every school year found runs in one pass (one Dagster run over the range of partitions):
the drops loaded, one dbt build, the secret statistique, the reports whose inputs
changed, one publication.

python -m orchestration.run

The terminal gets one line per step and year, then the summary; everything else
(Dagster's events, dbt's full log, warnings) goes to a log file whose path is printed
first. A failure prints the failing step's message and that path, never a traceback,
and exits non-zero.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import multiprocessing
import os
import re
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import dagster as dg
import duckdb

from alses import engine
from alses.contract import annee_decalee
from alses.depots import ConfigurationError, drops_to_load
from alses.extract import drop_load_id
from alses.pseudonym import SecretError
from alses.publish import derniere_publication, resume_publications
from alses.retention import annee_purgee, annees_purgees, message_purgee
from alses.settings import ROOT, empreinte_sources, is_demo, settings
from orchestration import rendus
from orchestration.garde import message_du_run, pages_du_run
from orchestration.partitions import ANNEES, ajouter_annees

#: What the terminal says each step of the school-year job is doing.
STEPS = {
    "bdc_raw": "chargement du dépôt dans raw",
    "dbt_models": "modèles dbt et leurs tests",
    "controle__garde": "contrôle d'octobre",
    "marts__secret_statistique": "secret statistique",
    "outputs__rapport_alses": "rapport HTML et PDF",
    "outputs__fiches_territoire": "fiches territoire",
    "opendata__indicateurs_alses": "données ouvertes",
    "publication__marts_analystes": "publication pour les analystes",
}


def main() -> int:
    cfg = settings()
    log_path = _log_path(cfg.log_dir)
    print(f"Journal complet : {log_path}", flush=True)
    with _everything_to(log_path) as (terminal, errors, log):
        try:
            return _run(cfg, terminal, errors, log, forcer="--forcer" in sys.argv[1:])
        except Exception as exc:  # the terminal gets the message; the log, the traceback
            traceback.print_exc(file=log)
            print(f"\nÉCHEC : {exc}\nJournal complet : {log_path}", file=errors, flush=True)
            return 1


def _run(cfg, terminal: TextIO, errors: TextIO, log: TextIO, forcer: bool = False) -> int:
    def say(text: str = "") -> None:
        print(text, file=terminal, flush=True)

    def fail(text: str) -> None:
        print(text, file=errors, flush=True)

    try:
        # never writes to a configured ALSES_BDC_DIR
        years = drops_to_load(cfg, write_demo=_demo_pendant_l_import, announce=say)
    except (ConfigurationError, SecretError) as exc:
        fail(f"\nÉCHEC avant chargement :\n{exc}")
        return 1
    # PostgreSQL: no published file, journal, retention nor recorded state (every year
    # is rebuilt at each run there).
    duck = cfg.target == "duckdb"
    avant = derniere_publication(cfg.warehouse) if duck else None
    precedent = None if forcer or not duck else dernier_etat(cfg.warehouse)
    etat = etat_des_entrees(cfg, years, precedent)
    if _comparable(etat) == _comparable(precedent) and _sorties_presentes(cfg, years):
        if etat["signatures"] != precedent["signatures"]:  # touched: not read again next time
            noter_etat(cfg.warehouse, etat)
        say(
            "Rien n'a changé depuis la dernière exécution réussie (dépôts, code, modèles) : "
            "rien à recalculer ni à republier (make run FORCE=1 pour tout refaire)."
        )
        say()
        say(summary(cfg.warehouse))
        say(f"Publié pour les analystes (lecture seule) : {cfg.published} — make sql")
        return 0
    # The run history stays inside the repository: a run never depends on ~.
    home = Path(os.environ.get("DAGSTER_HOME") or ROOT / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").touch()
    instance = dg.DagsterInstance.from_config(str(home))
    from orchestration.definitions import defs  # imported here: its output goes to the log
    from orchestration.resources import dbt, warehouse

    a_charger = []
    # Outputs missing with nothing else changed: every year again.
    for annee in annees_du_run(etat, precedent, years) or years:
        if duck and (purgee_le := annee_purgee(cfg.warehouse, annee)):  # frozen
            say(message_purgee(annee, purgee_le))
        else:
            a_charger.append(annee)
    if set(a_charger) < set(years):
        inchangees = sorted(set(years) - set(a_charger))
        say(
            "Dépôts inchangés depuis la dernière exécution, non rechargés : "
            + ", ".join(inchangees)
        )
    if a_charger:
        # Every year in one run (one pass: one dbt build, one publication).
        ajouter_annees(instance, years)
        prefix = a_charger[0] if len(a_charger) == 1 else f"{a_charger[0]} à {a_charger[-1]}"
        job = defs.resolve_job_def("annee_complete").with_logger_defs(
            {"progression": _progress_logger(lambda step: say(f"{prefix} : {step}"), log)}
        )
        try:
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"progression": {}}},
                # this run's settings, not those of the definitions' import (tests run
                # main() many times in one process)
                resources={"warehouse": warehouse(), "dbt": dbt()},
                **partitions_du_run(instance, a_charger),
            )
        finally:
            rendus.fermer()  # the report assets' worker processes
        if not result.success:
            for event in result.all_events:
                if event.event_type == dg.DagsterEventType.STEP_FAILURE:
                    step = STEPS.get(event.step_key, event.step_key)
                    message = message_du_run(result, event.step_key) or _failure_message(event)
                    fail(f"\nÉCHEC {prefix} à l'étape « {step} » :\n{message}")
            fail(f"Journal complet : {log.name}")
            if duck:
                fail(f"Le fichier publié {cfg.published} n'a pas été modifié.")
            return 1
        if duck:
            noter_etat(cfg.warehouse, etat)
    say()
    say(summary(cfg.warehouse))
    if a_charger and (pages := pages_du_run(result)):
        say(pages)
    if duck:
        say(resume_publications(cfg.warehouse, avant).strip())
        say(f"Publié pour les analystes (lecture seule) : {cfg.published} — make sql")
    else:
        say(
            "Les analystes lisent le schéma marts sur le serveur (rôle alses_analyste, "
            "voir README) : pas de fichier publié ni de journal des publications."
        )
    say("Rapports :")
    for annee in years:
        say(
            f"  {annee} : "
            + ", ".join(
                str(cfg.output_dir / f"rapport_alses_{annee}.{ext}") for ext in ("html", "pdf")
            )
        )
    say(f"Fiches territoire et tableaux détaillés (HTML et PDF) : {cfg.output_dir}")
    say(f"Données ouvertes (CSV, Parquet, datapackage.json) : {cfg.opendata_dir}")
    return 0


def _demo_pendant_l_import(dossier: Path) -> None:
    """Write the demo drops in a child process while this one imports the Dagster
    definitions, which the run needs next: ≈ 4 s each, side by side on two cores (the
    first `make run` after installing). The child's traceback goes to the log; its
    error's message, to the terminal."""
    recu, envoi = multiprocessing.Pipe(duplex=False)

    def ecrire() -> None:
        from alses.demo.generator import write_demo

        try:
            write_demo(dossier)
        except Exception as exc:
            envoi.send(str(exc))
            raise

    enfant = multiprocessing.get_context("fork").Process(target=ecrire)
    enfant.start()
    import orchestration.definitions  # noqa: F401  (its output goes to the log)

    enfant.join()
    if enfant.exitcode != 0:
        cause = recu.recv() if recu.poll() else f"code de sortie {enfant.exitcode}"
        raise RuntimeError(
            f"L'écriture des données de démonstration dans {dossier} a échoué : {cause}"
        )


#: What a run's result depends on besides the drops (code, contract, models, seeds).
SOURCES = ("alses", "orchestration", "contract", "models", "seeds", "dbt_project", "tests/dbt")


def etat_des_entrees(cfg, years: list[str], precedent: dict | None = None) -> dict:
    """What the last successful run was computed from: each drop's content hash, the
    code and models, the demo flag and the purged years; and each drop file's signature
    (name, size, modification and change times in ns, inode), which lets a drop whose
    files all have the signatures `precedent` recorded keep its hash without reading
    them again (≈ 1 s per 800 MB). A write to a file changes its change time (ctime),
    which no program sets back: any other drop is hashed."""
    purgees = []
    if cfg.target == "duckdb" and cfg.warehouse.is_file():
        with duckdb.connect(str(cfg.warehouse), read_only=True) as con:
            purgees = sorted(annees_purgees(con))
    precedent = precedent or {}
    connues, lues_le = precedent.get("signatures", {}), precedent.get("signatures_le", 0)
    depots, signatures, maintenant = {}, {}, time.time_ns()
    for a in years:
        signatures[a] = _signature(cfg.bdc_dir / a)
        connu = precedent.get("depots", {}).get(a)
        # A file changed less than MARGE_CTIME_NS before its signature was read may have
        # been written again within the same tick of a coarse clock: never trusted.
        sure = connues.get(a) == signatures[a] and all(
            lues_le - f[3] >= MARGE_CTIME_NS for f in signatures[a]
        )
        depots[a] = connu if connu and sure else drop_load_id(cfg.bdc_dir / a)
    return {
        "depots": depots,
        "signatures": signatures,
        "signatures_le": maintenant,
        "code": empreinte_sources(SOURCES),
        "demo": is_demo(cfg.bdc_dir),
        "purgees": purgees,
        "publie": str(cfg.published),
        "sorties": str(cfg.output_dir),
    }


def _signature(drop: Path) -> list[list]:
    return sorted(
        [p.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        for p in drop.iterdir()
        if p.is_file()
        for st in [p.stat()]
    )


#: How long before its signature was read a file must have last changed for the
#: signature to be trusted (kernels and file systems with a coarse ctime clock).
MARGE_CTIME_NS = 2 * 10**9


def _comparable(etat: dict | None) -> dict | None:
    """A state without the files' signatures (a file touched, its content the same,
    changes nothing)."""
    if etat is None:
        return None
    return {k: v for k, v in etat.items() if not k.startswith("signatures")}


def annees_du_run(etat: dict, precedent: dict | None, years: list[str]) -> list[str]:
    """The years a run loads: every year, unless only drops changed since the last
    successful run (same code, models, demo flag, purged years, outputs): then the
    years whose drop is new or changed, and the next year of each when it is loaded
    (its valeur_n_1 changes, so does its report)."""
    meme_reste = precedent is not None and all(
        etat[k] == precedent.get(k) for k in _comparable(etat) if k != "depots"
    )
    if not meme_reste:
        return list(years)
    changees = {a for a in years if precedent["depots"].get(a) != etat["depots"][a]}
    suivantes = {annee_decalee(a, 1) for a in changees}
    return sorted(changees | (suivantes & set(years)))


def dernier_etat(warehouse: Path) -> dict | None:
    if not warehouse.is_file():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        existe = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'pilotage' "
            "and table_name = 'dernier_run' and database_name = current_database()"
        ).fetchone()[0]
        if not existe:
            return None
        row = con.execute("select etat from pilotage.dernier_run").fetchone()
    return json.loads(row[0]) if row else None


def noter_etat(warehouse: Path, etat: dict) -> None:
    with duckdb.connect(str(warehouse), config=settings().duckdb_config()) as con:
        con.execute("create schema if not exists pilotage")
        con.execute(
            "create or replace table pilotage.dernier_run as "
            "select ? as etat, current_timestamp as termine_le",
            [json.dumps(etat, sort_keys=True)],
        )


def _sorties_presentes(cfg, years: list[str]) -> bool:
    return cfg.published.is_file() and all(
        (cfg.output_dir / f"rapport_alses_{a}.{ext}").is_file()
        for a in years
        for ext in ("html", "pdf")
    )


def partitions_du_run(instance: dg.DagsterInstance, annees: list[str]) -> dict:
    """execute_in_process's arguments for a run over `annees`: one partition, or the
    range of the instance's partitions from the first to the last of them (a purged
    year inside the range is skipped by the extraction and left frozen)."""
    if len(annees) == 1:
        return {"partition_key": annees[0]}
    connues = instance.get_dynamic_partitions(ANNEES)
    rangs = sorted(connues.index(a) for a in annees)
    return {"tags": {PLAGE_DEBUT: connues[rangs[0]], PLAGE_FIN: connues[rangs[-1]]}}


#: The run tags that make one run cover a range of partitions (what a single-run
#: backfill sets; execute_in_process takes one partition_key only):
#: docs/dependances_internes.md.
PLAGE_DEBUT = "dagster/asset_partition_range_start"
PLAGE_FIN = "dagster/asset_partition_range_end"


def _failure_message(event: dg.DagsterEvent) -> str:
    if event.step_key == "dbt_models":
        failures = _dbt_failures()
        if failures:
            return "Modèles ou tests dbt en échec :\n" + "\n".join(failures)
    # The project's own error (a French message for the user) wherever it sits in the
    # chain of causes; otherwise the deepest cause.
    chain = [event.step_failure_data.error]
    while chain[-1].cause is not None:
        chain.append(chain[-1].cause)
    if any(e.cls_name == "DagsterExecutionInterruptedError" for e in chain):
        return "exécution interrompue (Ctrl-C ou signal d'arrêt) : relancez make run."
    error = next((e for e in chain if e.message.startswith("alses.")), chain[-1])
    # "alses.reading.BdcFileError: usagers.csv : …" → "usagers.csv : …"
    return re.sub(r"^(?:[a-z_]\w*\.)*[A-Z]\w*: ", "", error.message.strip())


def _dbt_failures(limit: int = 10) -> list[str]:
    """The failing nodes of the last dbt build, from its run_results.json."""
    path = settings().dbt_target / "run_results.json"
    try:
        results = json.loads(path.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return []
    lines = [
        f"  - {r['unique_id']} : {(r.get('message') or r['status']).splitlines()[0]}"
        for r in results
        if r.get("status") in ("error", "fail")
    ]
    more = len(lines) - limit
    return lines[:limit] + ([f"  … et {more} autre(s)"] if more > 0 else [])


def _progress_logger(announce, log: TextIO) -> dg.LoggerDefinition:
    """Every Dagster record to the log file; a step's start announced on the terminal."""

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            log.write(self.format(record) + "\n")
            event = getattr(record, "dagster_meta", {}).get("dagster_event")
            if event is not None and event.event_type == dg.DagsterEventType.STEP_START:
                announce(STEPS.get(event.step_key, event.step_key))

    @dg.logger
    def progression(_init_context) -> logging.Logger:
        logger = logging.Logger("alses_run", level=logging.DEBUG)
        handler = Handler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        return logger

    return progression


def _log_path(log_dir: Path) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    return log_dir / f"run_{dt.datetime.now():%Y%m%d_%H%M%S}.log"


@contextlib.contextmanager
def _everything_to(path: Path) -> Iterator[tuple[TextIO, TextIO, TextIO]]:
    """Send stdout and stderr — Python's and those of child processes (dbt) — to `path`.

    Yields (terminal, errors, log): streams on the original standard output and standard
    error, and the log file.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    python_streams = sys.stdout, sys.stderr
    with (
        path.open("a", encoding="utf-8", buffering=1) as log,
        os.fdopen(os.dup(saved[1]), "w", encoding="utf-8", buffering=1) as terminal,
        os.fdopen(os.dup(saved[2]), "w", encoding="utf-8", buffering=1) as errors,
    ):
        try:
            for fd in (1, 2):
                os.dup2(log.fileno(), fd)
            sys.stdout = sys.stderr = log
            yield terminal, errors, log
        finally:
            log.flush()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
            sys.stdout, sys.stderr = python_streams


def summary(warehouse: Path) -> str:
    """A few lines: per year, rows read / loaded / set aside / emptied and jeunes by scope;
    the reconciliation with the published report; where to look next."""
    with engine.connect(warehouse, read_only=True) as con:  # DuckDB or PostgreSQL
        chargements = con.execute(
            "select annee_scolaire, count(*), sum(lignes_lues), sum(lignes_chargees), "
            "sum(lignes_ecartees), sum(valeurs_videes) from raw.chargements "
            "group by 1 order by 1"
        ).fetchall()
        accompagnes = dict(
            con.execute(
                "select annee_scolaire, 'ALSES ' "
                "|| cast(sum(case when est_alses then 1 else 0 end) as varchar) "
                "|| ', PS ' || cast(count(*) as varchar) from core.fct_accompagnement group by 1"
            ).fetchall()
        )
        statuts = con.execute(
            "select statut, count(*) from marts.rapprochement_publication group by 1 order by 1"
        ).fetchall()
    lines = []
    for annee, fichiers, lues, chargees, ecartees, videes in chargements:
        lines.append(
            f"{annee} : {fichiers} fichiers, {lues} lignes lues, {chargees} chargées, "
            f"{ecartees} écartées, {videes} valeurs vidées ; jeunes accompagnés "
            f"{accompagnes.get(annee, 'aucun')}"
        )
    lines.append(
        "Rapprochement avec le rapport publié : "
        + ", ".join(f"{n} {statut}" for statut, n in statuts)
    )
    lines.append(
        f"Entrepôt : {engine.describe(warehouse)} — indicateurs : select * from marts.indicateurs"
    )
    lines.append("Rejets : table raw.quarantaine (fichier, ligne, colonne, motif).")
    return "\n".join(lines)


def _interrompre(signum, _frame) -> None:
    """SIGTERM as Ctrl-C: Dagster stops the run's step (dagster-dbt passes the
    interruption to dbt and waits for it), the report workers are shut down, and the
    process exits through its `finally` blocks: nothing it started outlives it."""
    signal.raise_signal(signal.SIGINT)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrompre)
    sys.exit(main())
