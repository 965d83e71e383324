"""`make run`: write the demo drops if there is none, load every school year, summarise.

python -m orchestration.run
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
import duckdb

from alses.demo.generator import write_demo
from alses.publish import derniere_publication, resume_publications
from alses.retention import annee_purgee, message_purgee
from alses.settings import ROOT, school_year_folders, settings
from orchestration.definitions import defs


def main() -> int:
    cfg = settings()
    years = school_year_folders(cfg.bdc_dir)
    if not years:
        print(f"Aucun dépôt dans {cfg.bdc_dir} : écriture des données de démonstration.")
        write_demo(cfg.bdc_dir)
        years = school_year_folders(cfg.bdc_dir)
    # The run history stays inside the repository: a run never depends on ~.
    home = os.environ.setdefault("DAGSTER_HOME", str(ROOT / ".dagster"))
    os.makedirs(home, exist_ok=True)
    Path(home, "dagster.yaml").touch()
    instance = dg.DagsterInstance.get()
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    job = defs.resolve_job_def("annee_complete")
    avant = derniere_publication(cfg.warehouse)
    for n, annee in enumerate(years, start=1):
        if purgee_le := annee_purgee(cfg.warehouse, annee):  # frozen: not recomputed
            print(f"[{n}/{len(years)}] {message_purgee(annee, purgee_le)}", flush=True)
            continue
        print(
            f"[{n}/{len(years)}] {annee} : chargement de {cfg.bdc_dir / annee}, modèles dbt, "
            "rapport, publication …",
            flush=True,
        )
        result = job.execute_in_process(
            partition_key=annee, instance=instance, raise_on_error=False, run_config=quiet
        )
        if not result.success:
            for event in result.all_events:
                if event.event_type != dg.DagsterEventType.STEP_FAILURE:
                    continue
                error = event.step_failure_data.error
                while error.cause is not None:
                    error = error.cause
                message = error.message.strip().removeprefix("alses.reading.BdcFileError: ")
                print(
                    f"\nÉCHEC {annee} à l'étape {event.step_key} :\n{message}\n"
                    f"Le fichier publié {cfg.published} n'a pas été modifié.",
                    file=sys.stderr,
                )
            return 1
    print_summary(cfg.warehouse)
    print(resume_publications(cfg.warehouse, avant))
    print(f"\nPublié pour les analystes (lecture seule) : {cfg.published} — make sql")
    print("\nRapports :")
    for annee in years:
        for ext in ("html", "pdf"):
            print(f"  {cfg.output_dir / f'rapport_alses_{annee}.{ext}'}")
    return 0


def print_summary(warehouse) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select annee_scolaire, table_bdc, lignes_lues, lignes_chargees, lignes_ecartees, "
            "valeurs_videes from raw.chargements order by annee_scolaire, table_bdc"
        ).fetchall()
        accompagnes = con.execute(
            "select annee_scolaire, perimetre, count(*) from core.fct_accompagnement "
            "group by all order by 1, 2"
        ).fetchall()
        statuts = con.execute(
            "select statut, count(*) from marts.rapprochement_publication group by 1 order by 1"
        ).fetchall()
    print(
        f"\n{'année':<10} {'table':<22} {'lues':>8} {'chargées':>9} {'écartées':>9} {'vidées':>7}"
    )
    for annee, table, lues, chargees, ecartees, videes in rows:
        print(f"{annee:<10} {table:<22} {lues:>8} {chargees:>9} {ecartees:>9} {videes:>7}")
    print("\nJeunes accompagnés (core.fct_accompagnement) :")
    for annee, perimetre, n in accompagnes:
        print(f"  {annee} {perimetre:<6} {n:>6}")
    print("\nRapprochement avec le rapport publié (marts.rapprochement_publication) :")
    print("  " + ", ".join(f"{n} {statut}" for statut, n in statuts))
    print(f"\nEntrepôt : {warehouse}")
    print("Indicateurs : select * from marts.indicateurs (voir README).")
    print("Détail des rejets : table raw.quarantaine (fichier, ligne, colonne, motif).")


if __name__ == "__main__":
    raise SystemExit(main())
