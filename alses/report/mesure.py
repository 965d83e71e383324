"""Time the rendering of every document of a warehouse, in this one process, without
dbt or Dagster: `.venv/bin/python -m alses.report.mesure [DOSSIER] [ANNÉE …]`.

Each document (report, detailed tables, territory sheets) of each school year is
written in DOSSIER (default: a temporary folder) exactly as a run writes it; the CPU
time (user + system, steadier than wall time on a shared machine) of each one is
printed, then the totals. docs/performance.md, « Rendu des documents »."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str]) -> int:
    debut, debut_mur = _cpu(), time.monotonic()
    from alses import engine
    from alses.settings import settings
    from orchestration.rendus import documents, rendre_document

    import_s = _cpu() - debut
    cfg = settings()
    dossier = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="alses_rendu_"))
    with engine.connect(cfg.warehouse, read_only=True) as con:
        toutes = [
            r[0]
            for r in con.execute(
                "select distinct annee_scolaire from marts.indicateurs order by 1"
            ).fetchall()
        ]
    annees = argv[1:] or toutes
    print(f"Imports : {import_s:.2f} s CPU ; documents écrits dans {dossier}")
    total = 0.0
    for annee in annees:
        for sortie in ("rapport_alses", "fiches_territoire"):
            for doc in documents(sortie):
                t = _cpu()
                rendre_document(cfg.warehouse, annee, dossier, doc, "mesure")
                duree = _cpu() - t
                total += duree
                print(f"{annee}  {doc:<9} {duree:6.2f} s CPU", flush=True)
    print(
        f"Total : {total:.2f} s CPU pour les documents ({len(annees)} année(s)), "
        f"{_cpu() - debut:.2f} s CPU avec les imports, "
        f"{time.monotonic() - debut_mur:.1f} s de temps écoulé."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
