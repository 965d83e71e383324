"""The identifiers a BDC drop holds (names, birth dates, usager_id, the pseudonymous
keys computed from it) and scanners that look for them in relations and files."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import duckdb

#: Schemas allowed to hold the pseudonymous key (the star's join key, by design).
AVEC_CLE = ("intermediate", "core")


def _date(texte: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(texte.strip(), fmt).date()
        except ValueError:
            continue
    return None


def identifiants_du_depot(drop: Path, warehouse: Path) -> dict[str, set[str]]:
    with (drop / "usagers.csv").open(encoding="utf-8") as fh:
        usagers = list(csv.DictReader(fh, delimiter=";"))
    autres_dates: set[dt.date] = set()  # dates of the drop that are not birth dates
    for fichier in drop.glob("*.csv"):
        with fichier.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter=";"):
                for col, val in row.items():
                    if col != "date_naissance" and val and (d := _date(val)):
                        autres_dates.add(d)
    naissances = {d for u in usagers if (d := _date(u["date_naissance"] or ""))}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cles = {
            r[0] for r in con.execute("select jeune_key from staging.stg_bdc__usagers").fetchall()
        }
    return {
        "usager_id": {u["usager_id"] for u in usagers},
        "nom": {u[c] for u in usagers for c in ("nom", "prenom", "adresse") if u[c]},
        "date_naissance": {
            f for d in naissances - autres_dates for f in (d.isoformat(), d.strftime("%d/%m/%Y"))
        },
        "jeune_key": {str(k) for k in cles if k is not None},
    }


def scanner_entrepot(
    fichier: Path, ids: dict[str, set[str]], exclure: tuple[str, ...] = ()
) -> list[str]:
    """Cells equal to an identifier, in every table and view outside `exclure`."""
    trouves = []
    with duckdb.connect(str(fichier), read_only=True) as con:
        relations = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() union all "
            "select schema_name, view_name from duckdb_views() "
            "where database_name = current_database() and not internal"
        ).fetchall()
        for schema, table in relations:
            if schema in exclure:
                continue
            colonnes = [r[0] for r in con.execute(f'describe "{schema}"."{table}"').fetchall()]
            # One query per relation (a view is computed once, not once per column).
            liste = ", ".join(f'cast("{col}" as varchar)' for col in colonnes)
            lignes = con.execute(f'select distinct {liste} from "{schema}"."{table}"').fetchall()
            for k, col in enumerate(colonnes):
                valeurs = {str(r[k]) for r in lignes if r[k] is not None}
                for genre, cherches in ids.items():
                    if genre == "jeune_key" and schema in AVEC_CLE:
                        continue
                    for v in valeurs & cherches:
                        trouves.append(f"{fichier.name}:{schema}.{table}.{col} = {genre} {v}")
    return trouves


def _texte(fichier: Path) -> str:
    if fichier.suffix == ".pdf":
        # poppler's pdftotext (installed by .ci/run) reads a report in ≈0.03 s, pypdf in
        # ≈0.5 s (46 s of the scan of the fixture job's outputs); pypdf where it is absent.
        if shutil.which("pdftotext"):
            return subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(fichier), "-"],
                capture_output=True,
                check=True,
            ).stdout.decode("utf-8")
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(fichier).pages)
    if fichier.suffix in (".parquet", ".duckdb"):
        if fichier.suffix == ".parquet":
            return duckdb.execute("select * from read_parquet(?)", [str(fichier)]).df().to_csv()
        return ""
    return fichier.read_bytes().decode("utf-8", errors="ignore")


def scanner_fichiers(fichiers: list[Path], ids: dict[str, set[str]]) -> list[str]:
    """Identifiers found as whole tokens in the text of `fichiers`."""
    trouves = []
    for fichier in fichiers:
        texte = _texte(fichier)
        for genre, cherches in ids.items():
            for v in cherches:
                if re.search(rf"(?<![\w/+=-]){re.escape(v)}(?![\w/+=-])", texte):
                    trouves.append(f"{fichier}: {genre} {v}")
    return trouves
