"""Benchmark of the whole job on a drop N times the demo: time and peak memory per step.

    python -m bench.banc --scale N [--years K] [--interventions M] [--runs R] [--increments]
    (make bench SCALE=N YEARS=K INTERVENTIONS=M RUNS=R INCREMENTS=1)

1. writes under bench/travail/ (ignored by git) a drop that repeats the demo's files of
   jeunes, situations, interventions, actions, participants and partners N times (copy
   c > 1 gets new keys: `U000001` → `U000001-c2`), with a small share of bad input (one
   intervention in 997 with a duration that is not a number, one in 1,999 with an
   impossible date); the reference tables stay as they are. K school years: 2021-2022
   alone (K = 1), the two demo years (K = 2), then 2021-2022 moved by a year for each
   more. --interventions M: the interventions repeated further (new intervention_id)
   up to M rows a year, for a drop with more interventions per jeune;
2. parses the dbt project for this installation, as `make` does before `make run`
   (first build only), then runs `python -m orchestration.run` with its own warehouse,
   outputs and Dagster home under bench/travail/, sampling the memory (sum of PSS) of
   the process and its children every 0.2 s; R times (default 1), each from an empty
   warehouse;
3. times DuckDB reading the same CSV files (every column as text): the floor;
4. prints and appends to bench/resultats.csv, per step (dbt parse, extraction, dbt,
   report, publication, whole): wall time, peak memory, the floor and the ratio to it,
   and the machine's load average beside; draws bench/resultats.png;
5. --increments: then runs again with nothing changed, and adds a school year.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psutil

from alses.settings import ROOT, settings
from alses.sql import identifier, literal

BENCH = ROOT / "bench"
RESULTATS = BENCH / "resultats.csv"
GRAPHIQUE = BENCH / "resultats.png"

#: Files repeated N times, and their key columns renamed in each copy.
CLES = ("usager_id", "situation_id", "intervention_id", "action_id", "partenaire_id")
REPETES = ("usagers", "situations", "interventions", "actions_ponctuelles")
REPETES += ("actions_collectives", "actions_participants", "partenaires")
#: Dagster step → bench step.
ETAPES = {
    "bdc_raw": "extraction",
    "dbt_models": "dbt",
    "marts__secret_statistique": "rapport",
    "opendata__indicateurs_alses": "rapport",
    "outputs__fiches_territoire": "rapport",
    "outputs__rapport_alses": "rapport",
    "publication__marts_analystes": "publication",
}
COLONNES = "date,commit,charge_1min,echelle,annees,scenario,jeunes,interventions,mo_csv,etape,"
COLONNES = (COLONNES + "secondes,pic_mo,plancher_duckdb_s,ratio_plancher,moteur").split(",")
LECTURE = "delim=';', header=true, all_varchar=true, quote='\"'"


def _shift(cell: str, k: int) -> str:
    if not k:
        return cell
    cell = re.sub(r"\b(\d{1,2}/\d{1,2}/)(\d{4})\b", lambda m: f"{m[1]}{int(m[2]) + k}", cell)
    return re.sub(r"\b(\d{4})(-\d{2}-\d{2})\b", lambda m: f"{int(m[1]) + k}{m[2]}", cell)


def _copy_file(src: Path, dst: Path, n: int, k: int, interventions: int | None) -> None:
    """src to dst, repeated n times with new keys per copy, dates moved by k years;
    interventions repeated further up to `interventions` rows."""
    with src.open(encoding="utf-8", newline="") as fin:
        reader = csv.reader(fin, delimiter=";")
        header = next(reader)
        body = [[_shift(c, k) for c in r] for r in reader]
    nom = src.stem
    keys = [i for i, h in enumerate(header) if h in CLES]
    multi = [i for i, h in enumerate(header) if h == "partenaires"]
    copies, repetitions, limite = (n if nom in REPETES else 1), 1, math.inf
    if nom == "interventions" and interventions:
        repetitions, limite = math.ceil(interventions / (n * len(body))), interventions
    annee = int(src.parent.name[5:9]) + k
    rows = 0
    with dst.open("w", encoding="utf-8", newline="") as fout:
        writer = csv.writer(fout, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        for c in range(1, copies + 1):
            for j in range(1, repetitions + 1):
                suffix, ident = ("" if c == 1 else f"-c{c}"), ("" if j == 1 else f"-r{j}")
                for r in body:
                    if rows >= limite:
                        return
                    r = list(r)
                    for i in keys:
                        if r[i]:
                            r[i] += suffix + (ident if header[i] == "intervention_id" else "")
                    for i in multi:
                        if r[i] and suffix:
                            r[i] = "|".join(p.strip() + suffix for p in r[i].split("|"))
                    rows += 1
                    if nom == "interventions" and rows % 997 == 0:
                        r[header.index("duree_minutes")] = "beaucoup"
                    if nom == "interventions" and rows % 1999 == 0:
                        r[header.index("date_intervention")] = f"31/02/{annee}"
                    writer.writerow(r)


def write_year(source: Path, drop: Path, scale: int, k: int, interventions: int | None) -> None:
    drop.mkdir(parents=True, exist_ok=True)
    for src in sorted(source.glob("*.csv")):
        _copy_file(src, drop / src.name, scale, k, interventions)


def write_drops(root: Path, scale: int, years: int, interventions: int | None) -> dict:
    """The scaled drops under root/bdc; what they hold."""
    from alses.demo.generator import write_demo

    plan = {"2021-2022": ("2021-2022", 0)}
    if years >= 2:
        plan = {"2020-2021": ("2020-2021", 0), "2021-2022": ("2021-2022", 0)}
    for k in range(1, years - 1):
        plan[f"{2021 + k}-{2022 + k}"] = ("2021-2022", k)
    with tempfile.TemporaryDirectory() as tmp:
        write_demo(Path(tmp))
        for annee, (source, k) in plan.items():
            write_year(Path(tmp) / source, root / "bdc" / annee, scale, k, interventions)
    return taille(root / "bdc")


def taille(bdc: Path) -> dict:
    files = sorted(bdc.glob("*/*.csv"))
    with duckdb.connect() as con:

        def lignes(nom: str) -> int:
            paths = [literal(p) for p in files if p.stem == nom]
            sql = f"select count(*) from read_csv([{', '.join(paths)}], {LECTURE})"
            return con.execute(sql).fetchone()[0]

        return {
            "jeunes": lignes("usagers"),
            "interventions": lignes("interventions"),
            "mo_csv": round(sum(p.stat().st_size for p in files) / 2**20, 1),
            "fichiers": files,
        }


def plancher(files: list[Path]) -> float:
    """Seconds DuckDB takes to read every CSV file (every column as text)."""
    with duckdb.connect() as con:
        t = time.perf_counter()
        for p in files:
            con.execute(f"select count(*) from read_csv({literal(p)}, {LECTURE})").fetchone()
        return time.perf_counter() - t


def memoire(pid: int) -> int:
    """The memory of a process and its descendants: the sum of their PSS (forked
    processes share pages: a sum of resident sets would count them once per process)."""
    total = 0
    with contextlib.suppress(psutil.Error):
        racine = psutil.Process(pid)
        for p in [racine, *racine.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_full_info().pss
    return total


class Sampler(threading.Thread):
    """memoire(pid) every 0.2 s until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.time(), memoire(self.pid)))
            time.sleep(0.2)

    def peak(self, start: float, end: float) -> float:
        inside = [m for t, m in self.samples if start <= t <= end]
        return round(max(inside, default=0) / 2**20, 0)


def _processus(commande: list[str], env: dict):
    """Run `commande` in the project folder, sampling its memory: (returncode, output,
    start, end, samples)."""
    debut = time.time()
    proc = subprocess.Popen(
        commande, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = Sampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    sampler.stop.set()
    sampler.join()
    return proc.returncode, out, debut, time.time(), sampler


@contextlib.contextmanager
def base_jetable() -> Iterator[dict[str, str]]:
    """ALSES_TARGET=postgres: a throwaway database on the configured server for the
    bench (never the analysts' one), with the roles' grants; dropped afterwards."""
    if settings().target != "postgres":
        yield {}
        return
    import psycopg

    from alses.engine import PgConnection
    from alses.roles import creer_roles

    pg = settings().postgres
    base = f"alses_bench_{os.urandom(4).hex()}"
    with psycopg.connect(**pg.conninfo(), autocommit=True) as admin:
        admin.execute(f"create database {identifier(base)}")
    try:
        with psycopg.connect(**(pg.conninfo() | {"dbname": base})) as conn:
            creer_roles(PgConnection(conn))
            conn.commit()
        yield {"PGDATABASE": base}
    finally:
        with psycopg.connect(**pg.conninfo(), autocommit=True) as admin:
            admin.execute(f"drop database if exists {identifier(base)} with (force)")


#: The pseudonymisation secret of this bench process, never written anywhere: a scaled
#: drop is not the demo (its totals differ).
SECRET_BANC = "bench-" + os.urandom(8).hex()


def run_job(root: Path, extra: dict[str, str], analyse: bool):
    """The whole job on root's drops: (seconds, {step: (start, end)}, sampler)."""
    env = dict(
        os.environ,
        ALSES_BDC_DIR=str(root / "bdc"),
        ALSES_WAREHOUSE=str(root / "alses.duckdb"),
        ALSES_PUBLISHED=str(root / "publie.duckdb"),
        ALSES_OUTPUT_DIR=str(root / "outputs"),
        ALSES_OPENDATA_DIR=str(root / "opendata"),
        ALSES_LOG_DIR=str(root / "logs"),
        DAGSTER_HOME=str(root / "dagster"),
        **extra,
    )
    env.setdefault("ALSES_PSEUDO_SECRET", SECRET_BANC)
    (root / "dagster").mkdir(exist_ok=True)
    (root / "dagster" / "dagster.yaml").touch()
    etapes, avant = {}, []
    if analyse:  # make's dbt parse, for this installation's settings
        analyse_dbt = [sys.executable, "-m", "orchestration.analyse_dbt", "--installation"]
        code, out, debut, fin, sampler = _processus(analyse_dbt, env)
        if code:
            raise SystemExit(f"{out}\nL'analyse dbt du banc a échoué ({root}).")
        etapes["analyse dbt"], avant = (debut, fin), sampler.samples
    code, out, debut, fin, sampler = _processus([sys.executable, "-m", "orchestration.run"], env)
    sampler.samples[:0] = avant
    if code:
        raise SystemExit(f"{out}\nLe job a échoué sur le dépôt du banc ({root}).")
    log = max((root / "logs").glob("run_*.log"), key=lambda p: p.stat().st_mtime)
    return fin - debut, etapes | _steps(log), sampler


def _steps(log: Path) -> dict[str, tuple[float, float]]:
    pattern = re.compile(
        r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ .* - (\w+) - (STEP_START|STEP_SUCCESS) "
    )
    steps: dict[str, list[float]] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = pattern.match(line)
        if m and m[2] in ETAPES:
            when = dt.datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            span = steps.setdefault(ETAPES[m[2]], [when, when])
            span[0], span[1] = min(span[0], when), max(span[1], when)
    return {k: (v[0], v[1]) for k, v in steps.items()}


def mesurer(root: Path, args, scenario: str, taille: dict, analyse: bool = False) -> list[dict]:
    charge = os.getloadavg()[0]
    with base_jetable() as extra:
        seconds, steps, sampler = run_job(root, extra, analyse)
    floor = plancher(taille["fichiers"])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    common = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "commit": commit or "?",
        "charge_1min": round(charge, 2),
        "echelle": args.scale,
        "annees": args.years,
        "scenario": scenario,
        "jeunes": taille["jeunes"],
        "interventions": taille["interventions"],
        "mo_csv": taille["mo_csv"],
        "plancher_duckdb_s": round(floor, 2),
        "moteur": settings().target,
    }
    steps["tout"] = (0, math.inf)
    rows = []
    for etape in ("analyse dbt", "extraction", "dbt", "rapport", "publication", "tout"):
        if etape in steps:
            start, end = steps[etape]
            duree = seconds if etape == "tout" else end - start
            rows.append(
                common
                | {
                    "etape": etape,
                    "secondes": round(duree, 1),
                    "pic_mo": sampler.peak(start, end),
                    "ratio_plancher": round(duree / floor, 1) if floor else "",
                }
            )
    return rows


def ecrire(rows: list[dict]) -> None:
    new = not RESULTATS.is_file()
    with RESULTATS.open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLONNES)
        if new:
            w.writeheader()
        w.writerows(rows)
    for r in rows:
        print(
            f"×{r['echelle']} {r['annees']} an(s) {r['interventions']} interventions "
            f"{r['scenario']:<21} {r['etape']:<12} {r['secondes']:>7} s  pic {r['pic_mo']:>6.0f} Mo"
            f"  plancher DuckDB {r['plancher_duckdb_s']} s  (charge {r['charge_1min']})"
        )


def dessiner() -> None:
    """bench/resultats.png: the latest whole run of each drop size, one year, and each
    of its steps, time against the drop's size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with RESULTATS.open(encoding="utf-8", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["scenario"] == "premiere construction"
            and r["annees"] == "1"
            and (r.get("moteur") or "duckdb") == "duckdb"
        ]
    derniers = {(r["mo_csv"], r["etape"]): r for r in rows}
    fig, ax = plt.subplots(figsize=(9, 5))
    for etape in ("extraction", "dbt", "rapport", "publication", "tout"):
        points = sorted(
            (float(r["mo_csv"]), float(r["secondes"]))
            for r in derniers.values()
            if r["etape"] == etape
        )
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=etape)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Taille du dépôt (Mo de CSV)")
    ax.set_ylabel("Durée (s)")
    ax.set_title("make run, première construction d'une année : durée de chaque étape")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(GRAPHIQUE, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--interventions", type=int, default=None)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--increments", action="store_true")
    args = parser.parse_args()
    nom = f"x{args.scale}_{args.years}a" + (f"_{args.interventions}i" if args.interventions else "")
    root = BENCH / "travail" / nom
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    drop = write_drops(root, args.scale, args.years, args.interventions)
    print(
        f"Dépôt ×{args.scale}, {args.years} année(s) : {drop['jeunes']} jeunes, "
        f"{drop['interventions']} interventions, {drop['mo_csv']} Mo de CSV ({root})"
    )
    for run in range(args.runs):
        if run:  # the same first build again: the warehouse and outputs removed
            for p in root.iterdir():
                if p.name not in ("bdc", "alses.duckdb.dbt"):
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
        ecrire(mesurer(root, args, "premiere construction", drop, analyse=not run))
    if args.increments:
        ecrire(mesurer(root, args, "relance inchangee", drop))
        from alses.demo.generator import write_demo

        k = int(max(p.name for p in (root / "bdc").iterdir())[:4]) + 1 - 2021
        with tempfile.TemporaryDirectory() as tmp:
            write_demo(Path(tmp))
            annee = root / "bdc" / f"{2021 + k}-{2022 + k}"
            write_year(Path(tmp) / "2021-2022", annee, args.scale, k, args.interventions)
        args.years += 1
        ecrire(mesurer(root, args, "ajout d'une annee", taille(root / "bdc")))
    dessiner()
    print(f"Résultats : {RESULTATS} ; graphique : {GRAPHIQUE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
