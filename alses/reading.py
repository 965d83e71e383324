"""Reading a BDC file as a whole: encoding, separator, header, line numbers.

Each file of a drop (or each sheet of the workbook) is streamed once through the
standard `csv` parser — the only reader that tells the physical line a record starts
on, which every rejection must name — and rewritten as a plain UTF-8 CSV holding
`_ligne`, `_nb_champs` and the contract's columns, personal columns left out. DuckDB
reads that file; every check on the values is then done set-wise in SQL.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from alses.contract import Table

CHUNK = 1 << 20


class BdcFileError(Exception):
    """A file that cannot be read as a whole: the load of that year fails."""


@dataclass
class FileReading:
    table: str
    source: str  # file name as the user sees it (`usagers.csv`, `bdc_export.xlsx[usagers]`)
    normalized: Path | None  # None: the (optional) file is absent
    encoding: str = "utf-8"
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or Windows-1252, read in chunks: never the whole file."""
    with path.open("rb") as fh:
        head = fh.read(3)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise BdcFileError(
                f"{path.name} : encodage illisible (ni UTF-8 ni Windows-1252, octet "
                f"{exc.object[exc.start]:#04x}). Ré-exportez le fichier depuis la BDC en "
                "« CSV UTF-8 (délimité par des points-virgules) »."
            ) from exc
    return "cp1252"


def _csv_records(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=";", quotechar='"')
        start = 1
        for record in reader:
            yield start, record
            start = reader.line_num + 1


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_records(rows: Iterable[tuple]) -> Iterator[tuple[int, list[str]]]:
    for line, row in enumerate(rows, start=1):
        yield line, [_cell(v) for v in row]


def _is_blank(record: list[str]) -> bool:
    return all(not v.strip() for v in record)


def _normalize(
    records: Iterator[tuple[int, list[str]]], table: Table, source: str, out: Path
) -> FileReading:
    reading = FileReading(table.name, source, out)
    first = next(((ln, r) for ln, r in records if not _is_blank(r)), None)
    if first is None:
        raise BdcFileError(
            f"{source} : fichier vide, sans ligne d'en-tête. Ré-exportez la table "
            f"« {table.name} » depuis la BDC."
        )
    header_line, header = first
    names = [h.strip().lower() for h in header]
    known = set(table.column_names) | set(table.personal)
    if len(names) == 1 and any(sep in header[0] for sep in ",\t|"):
        raise BdcFileError(
            f"{source}, ligne {header_line} : une seule colonne lue — le séparateur n'est "
            "pas le point-virgule. Ré-enregistrez le fichier en « CSV séparateur "
            "point-virgule »."
        )
    if not known & set(names):
        raise BdcFileError(
            f"{source}, ligne {header_line} : pas de ligne d'en-tête (aucun nom de colonne "
            f"du contrat, par ex. « {table.column_names[0]} »). Ajoutez l'en-tête ou "
            "ré-exportez la table depuis la BDC."
        )
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise BdcFileError(
            f"{source}, ligne {header_line} : colonne(s) en double dans l'en-tête : "
            f"{', '.join(duplicated)}. Gardez une seule colonne de chaque nom."
        )
    position = {n: i for i, n in enumerate(names)}
    required = [c.name for c in table.columns if c.required]
    missing = [c for c in required if c not in position]
    if missing:
        raise BdcFileError(
            f"{source}, ligne {header_line} : colonne obligatoire absente : "
            f"{', '.join(missing)}. Ajoutez-la à l'export (voir le contrat BDC)."
        )
    reading.ignored_columns = [h for h, n in zip(header, names, strict=True) if n not in known]
    reading.absent_columns = [c for c in table.column_names if c not in position]
    kept = [position.get(c) for c in table.column_names]
    width = len(names)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quotechar='"', lineterminator="\n")
        writer.writerow(["_ligne", "_nb_champs", *table.column_names])
        for line, record in records:
            if _is_blank(record):
                continue
            values = [record[i] if i is not None and i < len(record) else "" for i in kept]
            writer.writerow([line, len(record) if len(record) != width else "", *values])
            reading.rows += 1
    return reading


def read_csv_file(path: Path, table: Table, out: Path) -> FileReading:
    encoding = detect_encoding(path)
    try:
        reading = _normalize(_csv_records(path, encoding), table, path.name, out)
    except csv.Error as exc:
        raise BdcFileError(
            f"{path.name} : le fichier n'est pas un CSV lisible ({exc}). Vérifiez les "
            "guillemets et ré-exportez le fichier depuis la BDC."
        ) from exc
    reading.encoding = encoding
    return reading


def read_sheet(workbook, path: Path, table: Table, out: Path) -> FileReading:
    sheet = workbook[table.name]
    source = f"{path.name}[{table.name}]"
    return _normalize(_sheet_records(sheet.iter_rows(values_only=True)), table, source, out)
