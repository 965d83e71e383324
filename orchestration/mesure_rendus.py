"""Time the rendering of every document of a warehouse without dbt or Dagster:
`.venv/bin/python -m orchestration.mesure_rendus [--pool] [DOSSIER] [ANNÉE …]`.

Each document (report, detailed tables, territory sheets) of each school year is
written in DOSSIER (default: a temporary folder) exactly as a run writes it. By
default in this one process: the CPU time (user + system, steadier than wall time on a
shared machine) of each document, then the totals. With --pool: as a run does it
(orchestration/rendus.py, every document a task of the pool of
`settings().rendus_paralleles` processes, reports first): the wall time and the CPU
time of the workers. docs/performance.md, « Rendu des documents »."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _pool(cfg, annees: list[str], dossier: Path) -> None:
    import psutil

    from orchestration import rendus

    empreinte = {a: f"mesure-{time.time()}" for a in annees}
    debut = time.monotonic()
    rendus.avancer("rapport_alses", cfg.warehouse, empreinte, dossier)
    rendus.rendre("fiches_territoire", cfg.warehouse, empreinte, dossier)
    rendus.rendre("rapport_alses", cfg.warehouse, empreinte, dossier)
    mur = time.monotonic() - debut
    cpu = sum(
        t.user + t.system
        for p in psutil.Process().children(recursive=True)
        for t in [p.cpu_times()]
    )
    rendus.fermer()
    print(
        f"Pool de {cfg.rendus_paralleles} processus : {mur:.1f} s de temps écoulé, "
        f"{cpu:.1f} s CPU dans les processus du pool (et son serveur) "
        f"({len(annees)} année(s), documents dans {dossier})."
    )


def main(argv: list[str]) -> int:
    debut, debut_mur = _cpu(), time.monotonic()
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    options = [a for a in argv if a.startswith("-") and a != "--pool"]
    if options:
        print(f"Option inconnue : {options[0]} (seule --pool existe ; --help).", file=sys.stderr)
        return 2
    pool = "--pool" in argv
    argv = [a for a in argv if a != "--pool"]
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
    if pool:
        _pool(cfg, annees, dossier)
        return 0
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
