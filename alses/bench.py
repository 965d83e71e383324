"""Benchmark of the extraction: time and peak memory to load a demo drop scaled up.

    python -m alses.bench [--scale N]

The 2021-2022 demo drop is written to a temporary folder; its interventions and
situations are repeated N times (with new keys) to stand for a larger export; then
the drop is loaded twice into a throwaway DuckDB (the second load measures a reload).
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from alses.demo.generator import write_demo
from alses.extract import load_drop
from alses.settings import ROOT, settings


def _scale(path: Path, key: str, n: int) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, body = rows[0], rows[1:]
    k = header.index(key)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(header)
        for copy in range(n):
            for r in body:
                w.writerow(r[:k] + [f"{r[k]}x{copy}"] + r[k + 1 :])
    return len(body) * n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_demo(root)
        drop = root / "2021-2022"
        n_int = _scale(drop / "interventions.csv", "intervention_id", args.scale)
        n_sit = _scale(drop / "situations.csv", "situation_id", args.scale)
        size = sum(p.stat().st_size for p in drop.iterdir()) / 1e6
        print(f"dépôt : {n_int} interventions, {n_sit} situations, {size:.0f} Mo")
        cfg = settings()
        print(f"moteur : {cfg.target}")
        if cfg.target == "postgres":  # ALSES_TARGET=postgres: DuckDB, then COPY to the server
            from alses.engine import pg_connect
            from alses.pgload import load_drop_postgres

            with pg_connect(cfg.postgres) as pg:
                for label in ("premier chargement", "rechargement"):
                    t = time.perf_counter()
                    load_drop_postgres(pg, drop, cfg.nomenclatures)
                    print(f"{label} : {time.perf_counter() - t:.1f} s")
            return _peak()
        with duckdb.connect(str(root / "w.duckdb")) as con:
            for label in ("premier chargement", "rechargement"):
                t = time.perf_counter()
                load_drop(con, drop, ROOT / "seeds" / "nomenclatures.csv")
                print(f"{label} : {time.perf_counter() - t:.1f} s")
    return _peak()


def _peak() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mémoire de pointe (processus) : {peak:.0f} Mo")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
