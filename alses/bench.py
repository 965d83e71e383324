"""Benchmark of the whole job on a drop N times the demo: time and peak memory per step.

    python -m alses.bench --scale N [--years K] [--increments]   (make bench SCALE=N YEARS=K)

1. writes under bench/travail/ (ignored by git) a drop that repeats every file of the
   demo holding jeunes, situations, interventions, actions, participants and partners
   N times (copy c > 1 gets new keys: `U000001` → `U000001-c2`, and so do the
   references to them), with the demo's mix of formats and a small share of bad input
   added (one intervention in 997 with a duration that is not a number — a value
   emptied —, one in 1,999 with an impossible date — a line set aside); structures,
   postes, affectations and colleges (the reference tables) stay as they are;
   K school years: 2021-2022 alone (K = 1), the two demo years (K = 2), then
   2021-2022 moved by one year for each more (2022-2023, …);
2. parses the dbt project for its installation, as `make` does before `make run`
   (python -m orchestration.analyse_dbt --installation; first build only), then runs
   the whole job as `make run` does (python -m orchestration.run, its own warehouse,
   outputs and Dagster home under bench/travail/), sampling the memory of the
   process and its children (dbt, report workers) every 0.2 s;
3. times DuckDB reading the same CSV files (read_csv, every column as text): the floor;
4. prints and appends to bench/resultats.csv, for each step (dbt parse, extraction, dbt, report —
   secret statistique, report, sheets, open data —, publication, whole): wall time, peak
   memory, the floor, the ratio to it, and the machine's load (uptime) beside;
5. with --increments: runs again with nothing changed, then adds a school year and runs
   again (the incremental refresh);
6. draws bench/resultats.png (time against size, one line per step).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
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

from alses.settings import ROOT, settings
from alses.sql import identifier, literal

BENCH = ROOT / "bench"
RESULTATS = BENCH / "resultats.csv"
GRAPHIQUE = BENCH / "resultats.png"

#: Files repeated N times, and their key columns renamed in each copy.
CLES = ("usager_id", "situation_id", "intervention_id", "action_id", "partenaire_id")
REPETES = (
    "usagers",
    "situations",
    "interventions",
    "actions_ponctuelles",
    "actions_collectives",
    "actions_participants",
    "partenaires",
)
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
COLONNES = [
    "date",
    "commit",
    "charge_1min",
    "echelle",
    "annees",
    "scenario",
    "jeunes",
    "interventions",
    "mo_csv",
    "etape",
    "secondes",
    "pic_mo",
    "plancher_duckdb_s",
    "ratio_plancher",
    "moteur",
]


def _shift(cell: str, k: int) -> str:
    if not k:
        return cell
    cell = re.sub(r"\b(\d{1,2}/\d{1,2}/)(\d{4})\b", lambda m: f"{m[1]}{int(m[2]) + k}", cell)
    return re.sub(r"\b(\d{4})(-\d{2}-\d{2})\b", lambda m: f"{int(m[1]) + k}{m[2]}", cell)


def _copy_file(src: Path, dst: Path, n: int, k: int) -> int:
    """Write src to dst, repeated n times (new keys per copy), dates moved by k years."""
    name = src.stem
    with (
        src.open(encoding="utf-8", newline="") as fin,
        dst.open("w", encoding="utf-8", newline="") as fout,
    ):
        reader = csv.reader(fin, delimiter=";")
        writer = csv.writer(fout, delimiter=";", lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        body = [[_shift(c, k) for c in r] for r in reader]
        keys = [i for i, h in enumerate(header) if h in CLES]
        multi = [i for i, h in enumerate(header) if h == "partenaires"]
        duree = header.index("duree_minutes") if name == "interventions" else None
        date = header.index("date_intervention") if name == "interventions" else None
        copies = n if name in REPETES else 1
        rows = 0
        for c in range(1, copies + 1):
            suffix = "" if c == 1 else f"-c{c}"
            for r in body:
                if suffix:
                    r = list(r)
                    for i in keys:
                        if r[i]:
                            r[i] += suffix
                    for i in multi:
                        if r[i]:
                            r[i] = "|".join(p.strip() + suffix for p in r[i].split("|"))
                rows += 1
                if duree is not None and rows % 997 == 0:
                    r = list(r)
                    r[duree] = "beaucoup"
                if date is not None and rows % 1999 == 0:
                    r = list(r)
                    r[date] = f"31/02/{int(src.parent.name[5:9]) + k}"
                writer.writerow(r)
    return rows


def write_drops(root: Path, scale: int, years: int) -> dict:
    """The scaled drops under root/bdc; what they hold."""
    from alses.demo.generator import write_demo

    bdc = root / "bdc"
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp)
        write_demo(demo)
        plan = {"2021-2022": ("2021-2022", 0)}
        if years >= 2:
            plan = {"2020-2021": ("2020-2021", 0), "2021-2022": ("2021-2022", 0)}
        for k in range(1, years - 1):
            plan[f"{2021 + k}-{2022 + k}"] = ("2021-2022", k)
        for annee, (source, k) in plan.items():
            _write_year(demo / source, bdc / annee, scale, k)
    return _taille(bdc)


def _write_year(source: Path, drop: Path, scale: int, k: int) -> None:
    drop.mkdir(parents=True, exist_ok=True)
    for src in sorted(source.glob("*.csv")):
        _copy_file(src, drop / src.name, scale, k)


def _taille(bdc: Path) -> dict:
    files = sorted(bdc.glob("*/*.csv"))
    with duckdb.connect() as con:

        def lignes(name: str) -> int:
            paths = [p for p in files if p.stem == name]
            return sum(
                con.execute(
                    f"select count(*) from read_csv({literal(p)}, delim=';', header=true, "
                    "all_varchar=true, quote='\"')"
                ).fetchone()[0]
                for p in paths
            )

        jeunes, interventions = lignes("usagers"), lignes("interventions")
    return {
        "jeunes": jeunes,
        "interventions": interventions,
        "mo_csv": round(sum(p.stat().st_size for p in files) / 2**20, 1),
        "fichiers": files,
    }


def plancher(files: list[Path]) -> float:
    """Seconds DuckDB takes to read every CSV file (every column as text)."""
    with duckdb.connect() as con:
        t = time.perf_counter()
        for p in files:
            con.execute(
                f"select count(*) from read_csv({literal(p)}, delim=';', header=true, "
                "all_varchar=true, quote='\"')"
            ).fetchone()
        return time.perf_counter() - t


class Sampler(threading.Thread):
    """The memory of a process and its descendants (sum of PSS), every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.time(), _tree_memoire(self.pid)))
            time.sleep(0.2)

    def peak(self, start: float, end: float) -> float:
        inside = [m for t, m in self.samples if start <= t <= end]
        return round(max(inside, default=0) / 2**20, 0)


#: The size of a memory page (the unit of /proc's resident set size), and of a clock tick
#: (the unit of its CPU times).
PAGE = os.sysconf("SC_PAGE_SIZE")
HORLOGE = os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """`root` and the processes below it, living, following each thread's children list
    (/proc/<pid>/task/<tid>/children) rather than reading every process of the machine:
    the memory sampler took ≈ 15 % of a core that way, beside the job."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
        pids.append(pid)
    return pids


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command's name (empty if gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat[stat.rindex(")") + 2 :].split()


def _pss(pid: int) -> int:
    """The proportional resident memory of a process (PSS: each shared page divided
    among the processes that share it), in bytes; its resident set if the kernel has no
    /proc/<pid>/smaps_rollup; 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    f = _stat(pid)
    return int(f[21]) * PAGE if f else 0


def _tree_memoire(root: int) -> int:
    """The memory of `root` and its descendants: the sum of their PSS. Not of their
    resident sets: `make run`'s dbt server and the renderer's workers are forks, which
    share pages with their parent, and a sum of resident sets counts those pages once
    per process (docs/performance.md, « Session 9 »)."""
    return sum(_pss(pid) for pid in descendants(root))


def cpu_descendants(root: int) -> float:
    """CPU time (user + system) of the living processes below `root`, itself excepted."""
    return sum((int(f[11]) + int(f[12])) / HORLOGE for f in map(_stat, descendants(root)[1:]) if f)


def run_job(
    root: Path, analyse: bool = False
) -> tuple[float, dict[str, tuple[float, float]], Sampler]:
    """Run the whole job on root's drops; (seconds, {step: (start, end)}, sampler).
    `analyse`: first dbt's parse of the project for this installation, as `make` does
    before `make run` (step "analyse dbt"; the job's build then reads only what
    changed, as it does after make's parse of a real installation)."""
    if settings().target == "postgres":
        with base_jetable() as base:
            return _run_job(root, {"PGDATABASE": base}, analyse)
    return _run_job(root, {}, analyse)


@contextlib.contextmanager
def base_jetable() -> Iterator[str]:
    """ALSES_TARGET=postgres: a throwaway database on the configured server for the
    bench (never the analysts' one), with the roles' grants; dropped afterwards."""
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
        yield base
    finally:
        with psycopg.connect(**pg.conninfo(), autocommit=True) as admin:
            admin.execute(f"drop database if exists {identifier(base)} with (force)")


#: The pseudonymisation secret of this bench process (see _run_job).
SECRET_BANC = "bench-" + os.urandom(8).hex()


def _run_job(root: Path, extra: dict[str, str], analyse: bool):
    env = dict(
        os.environ,
        ALSES_BDC_DIR=str(root / "bdc"),
        # The default file name: dbt's parse of the installation starts from make's
        # (orchestration/lanceur_dbt.py), as for any installation so named.
        ALSES_WAREHOUSE=str(root / "alses.duckdb"),
        ALSES_PUBLISHED=str(root / "publie.duckdb"),
        ALSES_OUTPUT_DIR=str(root / "outputs"),
        ALSES_OPENDATA_DIR=str(root / "opendata"),
        ALSES_LOG_DIR=str(root / "logs"),
        DAGSTER_HOME=str(root / "dagster"),
        **extra,
    )
    # A scaled drop is not the demo (its totals differ): a pseudonymisation secret for
    # the bench only, never written anywhere — the same for every run of one bench, as
    # a real secret stays the same from year to year (a new one rebuilds every year).
    env.setdefault("ALSES_PSEUDO_SECRET", SECRET_BANC)
    (root / "dagster").mkdir(exist_ok=True)
    (root / "dagster" / "dagster.yaml").touch()
    etapes, avant = {}, []
    if analyse:
        t = time.time()
        commande = [sys.executable, "-m", "orchestration.analyse_dbt", "--installation"]
        proc = subprocess.Popen(commande, cwd=ROOT, env=env)
        analyse_memoire = Sampler(proc.pid)
        analyse_memoire.start()
        proc.wait()
        analyse_memoire.stop.set()
        analyse_memoire.join()
        if proc.returncode:
            raise SystemExit(f"L'analyse dbt du banc a échoué ({root}) : voir ci-dessus.")
        etapes["analyse dbt"], avant = (t, time.time()), analyse_memoire.samples
    t = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchestration.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    sampler = Sampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.time() - t
    sampler.stop.set()
    sampler.join()
    sampler.samples[:0] = avant
    if proc.returncode:
        print(out)
        raise SystemExit(f"Le job a échoué sur le dépôt du banc ({root}) : voir ci-dessus.")
    log = max((root / "logs").glob("run_*.log"), key=lambda p: p.stat().st_mtime)
    return seconds, etapes | _steps(log), sampler


def _steps(log: Path) -> dict[str, tuple[float, float]]:
    pattern = re.compile(
        r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ .* - (\w+) - (STEP_START|STEP_SUCCESS) "
    )
    steps: dict[str, list[float]] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = pattern.match(line)
        if not m or m[2] not in ETAPES:
            continue
        when = dt.datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
        span = steps.setdefault(ETAPES[m[2]], [when, when])
        span[0], span[1] = min(span[0], when), max(span[1], when)
    return {k: (v[0], v[1]) for k, v in steps.items()}


def _commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "?"


def mesurer(root: Path, scale: int, years: int, scenario: str, taille: dict) -> list[dict]:
    charge = os.getloadavg()[0]
    seconds, steps, sampler = run_job(root, analyse=scenario == "premiere construction")
    floor = plancher(taille["fichiers"])
    common = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "commit": _commit(),
        "charge_1min": round(charge, 2),
        "echelle": scale,
        "annees": years,
        "scenario": scenario,
        "jeunes": taille["jeunes"],
        "interventions": taille["interventions"],
        "mo_csv": taille["mo_csv"],
        "plancher_duckdb_s": round(floor, 2),
        "moteur": settings().target,
    }
    rows = []
    for etape in ("analyse dbt", "extraction", "dbt", "rapport", "publication"):
        if etape not in steps:
            continue
        start, end = steps[etape]
        rows.append(
            common
            | {
                "etape": etape,
                "secondes": round(end - start, 1),
                "pic_mo": sampler.peak(start, end),
                "ratio_plancher": round((end - start) / floor, 1) if floor else "",
            }
        )
    rows.append(
        common
        | {
            "etape": "tout",
            "secondes": round(seconds, 1),
            "pic_mo": sampler.peak(0, float("inf")),
            "ratio_plancher": round(seconds / floor, 1) if floor else "",
        }
    )
    return rows


def ecrire(rows: list[dict]) -> None:
    BENCH.mkdir(exist_ok=True)
    new = not RESULTATS.is_file()
    if not new:  # rows of an older bench without a column: rewritten with it (empty)
        with RESULTATS.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            anciennes = list(reader)
        if reader.fieldnames != COLONNES:
            with RESULTATS.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=COLONNES)
                w.writeheader()
                w.writerows({c: r.get(c) or "" for c in COLONNES} for r in anciennes)
    with RESULTATS.open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLONNES)
        if new:
            w.writeheader()
        w.writerows(rows)
    for r in rows:
        print(
            f"×{r['echelle']} {r['annees']} an(s) {r['scenario']:<18} {r['etape']:<12} "
            f"{r['secondes']:>7} s  pic {r['pic_mo']:>6.0f} Mo  plancher DuckDB "
            f"{r['plancher_duckdb_s']} s  ratio {r['ratio_plancher']}  (charge {r['charge_1min']})"
        )


def dessiner() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    with RESULTATS.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["scenario"] == "premiere construction"]
    for r in rows:
        r["moteur"] = r.get("moteur") or "duckdb"
    # The latest measurement of each engine, scale, number of years and step (older ones
    # stay in the CSV). Lines: one school year, every scale; a first build of several
    # years is one point (its whole run), labelled. Each point says its date: they are
    # not all of the same code.
    derniers = {(r["moteur"], r["echelle"], r["annees"], r["etape"]): r for r in rows}
    rows = list(derniers.values())
    fig, ax = plt.subplots(figsize=(9, 5))
    moteurs = sorted({r["moteur"] for r in rows})
    une_annee = [r for r in rows if r["annees"] == "1"]
    for moteur in moteurs:
        for etape in ("extraction", "dbt", "rapport", "publication", "tout"):
            points = sorted(
                (float(r["mo_csv"]), float(r["secondes"]))
                for r in une_annee
                if r["etape"] == etape and r["moteur"] == moteur
            )
            if points:
                ax.plot(
                    *zip(*points, strict=True),
                    marker="o" if moteur == "duckdb" else "s",
                    linestyle="-" if moteur == "duckdb" else ":",
                    label=etape if len(moteurs) == 1 else f"{etape} ({moteur})",
                )
    tout = [r for r in une_annee if r["etape"] == "tout" and r["moteur"] == "duckdb"]
    floor = sorted((float(r["mo_csv"]), float(r["plancher_duckdb_s"])) for r in tout)
    if floor:
        ax.plot(*zip(*floor, strict=True), linestyle="--", color="grey", label="lecture DuckDB")
    plusieurs = [
        r for r in rows if r["annees"] != "1" and r["etape"] == "tout" and r["moteur"] == "duckdb"
    ]
    if plusieurs:
        ax.plot(
            [float(r["mo_csv"]) for r in plusieurs],
            [float(r["secondes"]) for r in plusieurs],
            "D",
            color="black",
            label="tout, plusieurs années",
        )
    pg = [r for r in une_annee if r["etape"] == "tout" and r["moteur"] != "duckdb"]
    for r in tout + plusieurs + pg:
        moteur = "" if r["moteur"] == "duckdb" else f" ({r['moteur']})"
        ax.annotate(
            f"×{r['echelle']}, {r['annees']} an(s){moteur}\n{r['date'][8:10]}/{r['date'][5:7]}",
            (float(r["mo_csv"]), float(r["secondes"])),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=7,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(top=ax.get_ylim()[1] * 2)  # room for the labels of the highest points
    for axe in (ax.xaxis, ax.yaxis):
        axe.set_major_formatter(ScalarFormatter())
        axe.set_minor_formatter(NullFormatter())
    ax.set_xlabel("Taille du dépôt (Mo de CSV)")
    ax.set_ylabel("Durée (s)")
    ax.set_title("make run, première construction : durée de chaque étape")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    fig.savefig(GRAPHIQUE, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument(
        "--increments",
        action="store_true",
        help="relancer sans changement, puis ajouter une année et relancer",
    )
    args = parser.parse_args()
    root = BENCH / "travail" / f"x{args.scale}_{args.years}a"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    taille = write_drops(root, args.scale, args.years)
    print(
        f"Dépôt ×{args.scale}, {args.years} année(s) : {taille['jeunes']} jeunes, "
        f"{taille['interventions']} interventions, {taille['mo_csv']} Mo de CSV ({root})"
    )
    ecrire(mesurer(root, args.scale, args.years, "premiere construction", taille))
    if args.increments:
        ecrire(mesurer(root, args.scale, args.years, "relance inchangee", taille))
        from alses.demo.generator import write_demo

        derniere = max(p.name for p in (root / "bdc").iterdir() if p.is_dir())
        k = int(derniere[:4]) + 1 - 2021
        with tempfile.TemporaryDirectory() as tmp:
            write_demo(Path(tmp))
            _write_year(
                Path(tmp) / "2021-2022", root / "bdc" / f"{2021 + k}-{2022 + k}", args.scale, k
            )
        taille = _taille(root / "bdc")
        ecrire(mesurer(root, args.scale, args.years + 1, "ajout d'une annee", taille))
    dessiner()
    print(f"Résultats : {RESULTATS} ; graphique : {GRAPHIQUE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
