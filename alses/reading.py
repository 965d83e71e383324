"""Reading a BDC file as a whole: file kind, encoding, separator, header, line numbers.

A simple file (valid UTF-8, or Windows-1252 without a byte it leaves undefined; every
line ended by `\n`, or every line by `\r\n`; quotes, if any, around whole fields and
closed on their line; no blank line, the same number of separators on every line:
checked by a chunked byte scan and one DuckDB scan) is read by DuckDB in the
extraction's own query, with no Python pass per row (`_read_fast`,
`FileReading.select`) — from the file itself, or, for Windows-1252 with bytes from 0x80
to 0x9F (œ, ’, €: DuckDB reads Latin-1 but not Windows-1252), from a UTF-8 copy made by
chunks in the load's private temporary folder. Any other file, or any sheet of the
workbook, is read by the careful reader below, whose output the extraction reads to the
very same rows (property tests compare them).

The careful reader reads each file once, physical line by physical line, with every
read bounded (`MAX_LINE_BYTES` a line, `MAX_FILE_BYTES` a
file; only regular files are opened), and rewritten as a plain UTF-8 CSV holding
`_ligne`, `_ligne_fin`, `_motif`, `_detail`, `_illisibles` and the contract's columns,
personal columns left out. DuckDB reads that file; every check on the values is then
done set-wise in SQL (alses/extract.py).

The contract's CSV rules, as applied here (docs/contrat_bdc.md, « Lecture d'un fichier »):
- encoding decided per file (BOM or a valid UTF-8 multi-byte character → UTF-8; other
  bytes above 127 → Windows-1252; a UTF-16 or UTF-32 BOM → the file is unreadable), then
  per line: a line that does not decode, or holds a NUL byte wherever it is in the file,
  is set aside whole, reason « encodage illisible »; a NUL in the header makes the file
  unreadable (UTF-16 without BOM, binary);
- a record is one physical line. A quoted field that is not closed on its line runs on,
  as in any CSV reader, to the line where its quote closes (or the end of the file):
  that record is set aside whole, reason « ligne mal formée », with its first and last
  physical line, so that every line it swallowed is visible; none of its values is kept;
- a line whose number of fields differs from the header's is set aside whole, reason
  « ligne mal formée », and none of its values is kept either (they cannot be trusted
  to sit in their columns, and one of them may be a personal column shifted).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from alses.contract import Table

#: The longest physical line read (a BDC row is a few hundred bytes).
MAX_LINE_BYTES = 1 << 20
#: The largest file read (a drop of the whole département is a few tens of MB).
MAX_FILE_BYTES = 4 << 30

CHUNK = 1 << 20
TRIM = " \t\u00a0"

#: The reasons a record is set aside while it is read (the SQL adds the others).
MALFORMED_FIELDS = "ligne mal formée : nombre de champs différent de l'en-tête"
MALFORMED_QUOTE = (
    "ligne mal formée : guillemet ouvert et non refermé sur sa ligne (l'enregistrement "
    "court jusqu'à la ligne où il se referme ; toutes ces lignes sont écartées)"
)
MALFORMED_AFTER_QUOTE = "ligne mal formée : texte collé après un guillemet fermant"
ENCODING_UTF8 = "encodage illisible : ligne qui n'est pas en UTF-8 comme le reste du fichier"
ENCODING_CP1252 = "encodage illisible : octet sans caractère en Windows-1252"
ENCODING_NUL = "encodage illisible : caractère nul (octet 0x00) dans la ligne"
FORMULA = "valeur illisible : formule sans valeur calculée dans le classeur"

_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH = re.compile(rb"[\x80-\xff]")
#: A quoted field from its opening quote; possessive, so `"a""b` stays open.
_QUOTED = re.compile(r'"((?:[^"]|"")*+)"')
#: The rest of a quoted field begun on an earlier line, up to its closing quote.
_CLOSE = re.compile(r'(?:[^"]|"")*+"')

OK, OPEN, BAD = 0, 1, 2


class BdcFileError(Exception):
    """A file that cannot be read as a whole: the load of that year fails."""


@dataclass
class FileReading:
    table: str
    source: str  # file name as the user sees it (`usagers.csv`, `bdc_export.xlsx[usagers]`)
    normalized: Path | None  # None: the (optional) file is absent
    #: The SQL reading the file as the careful reader's output would (fast path only):
    #: then `normalized` is the file itself.
    select: str | None = None
    encoding: str = "utf-8"
    rows: int = 0  # records read (header and blank lines excluded)
    unreadable: int = 0  # records holding an unreadable cell (workbook formulas)
    lines: int = 0  # physical lines of the file
    ignored_columns: list[str] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)


@dataclass
class Record:
    first: int  # first physical line
    last: int  # last physical line (> first for a quoted field run over line breaks)
    fields: list[str]
    motif: str | None = None  # set aside while reading, for this reason
    detail: str | None = None  # the quarantine's `valeur` (never a value of the row)
    unreadable: tuple[int, ...] = ()  # positions of unreadable cells (workbook formulas)


# --------------------------------------------------------------------------- files


def open_regular(path: Path, source: str) -> BinaryIO:
    """Open `path` for reading if it is a regular file (a link to one included)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except OSError as exc:
        raise BdcFileError(
            f"{source} : fichier illisible ({exc.strerror}). Vérifiez le fichier et ses droits."
        ) from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "un dossier" if stat.S_ISDIR(st.st_mode) else "un périphérique ou un tube"
        raise BdcFileError(
            f"{source} : ce n'est pas un fichier mais {kind} (ou un lien vers l'un d'eux) ; "
            "seuls des fichiers ordinaires sont lus. Remplacez-le par le fichier exporté "
            "par la BDC."
        )
    if st.st_size > MAX_FILE_BYTES:
        os.close(fd)
        raise BdcFileError(
            f"{source} : fichier de {st.st_size / 1e9:.1f} Go, au-delà de la limite de "
            f"{MAX_FILE_BYTES / 1e9:.1f} Go. Vérifiez qu'il s'agit bien de l'export BDC."
        )
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _too_large(source: str) -> BdcFileError:
    return BdcFileError(
        f"{source} : plus de {MAX_FILE_BYTES / 1e9:.1f} Go lus : fichier trop grand. "
        "Vérifiez qu'il s'agit bien de l'export BDC."
    )


def detect_encoding(fh: BinaryIO, source: str) -> str:
    """The file's encoding per the contract, from a bounded scan by chunks."""
    head = fh.read(4096)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or head.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise BdcFileError(
            f"{source} : fichier encodé en UTF-16 (ou UTF-32), illisible. Ré-enregistrez-le "
            "en « CSV UTF-8 (délimité par des points-virgules) »."
        )
    if head.startswith(codecs.BOM_UTF8):
        fh.seek(0)
        return "utf-8-sig"
    high = False
    total = len(head)
    chunk, tail = head, b""
    while chunk:
        data = tail + chunk
        if _UTF8_MULTI.search(data):
            fh.seek(0)
            return "utf-8"
        high = high or _HIGH.search(chunk) is not None
        tail = data[-3:]
        chunk = fh.read(CHUNK)
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise _too_large(source)
    fh.seek(0)
    return "cp1252" if high else "utf-8"


def _physical_lines(fh: BinaryIO, source: str) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes without terminator); `\\n`, `\\r\\n` and `\\r` end a line."""
    n = 0
    total = 0
    while raw := fh.readline(MAX_LINE_BYTES + 1):
        total += len(raw)
        if total > MAX_FILE_BYTES:
            raise _too_large(source)
        if len(raw) > MAX_LINE_BYTES:
            raise BdcFileError(
                f"{source}, ligne {n + 1} : ligne de plus de {MAX_LINE_BYTES // 1024} Ko, "
                "illisible (un enregistrement de la BDC en fait quelques centaines "
                "d'octets). Vérifiez qu'il s'agit bien de l'export BDC et ré-exportez-le."
            )
        body = raw[:-1] if raw.endswith(b"\n") else raw
        if body.endswith(b"\r"):
            body = body[:-1]
        for piece in body.split(b"\r") if b"\r" in body else (body,):
            n += 1
            yield n, piece


def _scan(text: str) -> tuple[list[str], int]:
    """The fields of one line and its state at the end: OK, OPEN (quote left open), BAD."""
    fields: list[str] = []
    pos, n, bad = 0, len(text), False
    while True:
        if pos < n and text[pos] == '"':
            m = _QUOTED.match(text, pos)
            if m is None:
                return fields, OPEN
            fields.append(m.group(1).replace('""', '"'))
            pos = m.end()
            if pos < n and text[pos] != ";":
                bad = True
                pos = text.find(";", pos)
                if pos < 0:
                    return fields, BAD
        else:
            j = text.find(";", pos)
            if j < 0:
                fields.append(text[pos:])
                return fields, BAD if bad else OK
            fields.append(text[pos:j])
            pos = j
        if pos >= n:
            return fields, BAD if bad else OK
        pos += 1


def _decode(raw: bytes, encoding: str) -> tuple[str, str | None]:
    """The line's text (undecodable bytes escaped) and its encoding defect, if any."""
    if b"\x00" in raw:
        return raw.replace(b"\x00", b"").decode(encoding, "surrogateescape"), ENCODING_NUL
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError:
        defect = ENCODING_CP1252 if encoding == "cp1252" else ENCODING_UTF8
        return raw.decode(encoding, "surrogateescape"), defect


def csv_records(lines: Iterable[tuple[int, bytes]], encoding: str) -> Iterator[Record]:
    """Records of `;`-separated lines; a quote left open runs on to where it closes."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    start: int | None = None  # first line of a record whose quote is still open
    last = 0
    first_line = True
    for n, raw in lines:
        last = n
        if first_line and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        first_line = False
        text, defect = _decode(raw, codec)
        if start is not None:
            m = _CLOSE.match(text)
            if m is None:
                continue
            if _scan('""' + text[m.end() :])[1] != OPEN:
                yield Record(start, n, [], MALFORMED_QUOTE, f"lignes {start} à {n}")
                start = None
            continue
        if '"' not in text:
            fields, state = text.split(";"), OK
        else:
            fields, state = _scan(text)
        if state == OPEN:
            start = n
            continue
        if defect:
            yield Record(n, n, fields, defect)
        elif state == BAD:
            yield Record(n, n, fields, MALFORMED_AFTER_QUOTE)
        else:
            yield Record(n, n, fields)
    if start is not None:
        yield Record(start, last, [], MALFORMED_QUOTE, f"lignes {start} à {last}")


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


def _is_formula(value: object) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
        "ArrayFormula",
        "DataTableFormula",
    )


def sheet_records(rows: Iterable[tuple], formulas: Iterable[tuple]) -> Iterator[Record]:
    """Records of a sheet: the cached value of each cell; a formula without one is unreadable."""
    for line, (row, raw) in enumerate(zip(rows, formulas, strict=False), start=1):
        cells = enumerate(zip(row, raw, strict=False))
        unreadable = tuple(i for i, (v, f) in cells if v is None and _is_formula(f))
        yield Record(line, line, [_cell(v) for v in row], unreadable=unreadable)


# --------------------------------------------------------------------------- header


def _is_blank(record: Record) -> bool:
    return record.motif is None and all(not v.strip(TRIM) for v in record.fields)


def header_name(cell: str) -> str:
    """A header cell as a column name: invisible characters (BOM, zero-width spaces, soft
    hyphens: Unicode format characters) removed, trimmed, lower case."""
    visible = "".join(c for c in cell if unicodedata.category(c) != "Cf")
    return visible.strip(TRIM).lower()


def _header(records: Iterator[Record], table: Table, source: str) -> tuple[Record, list[str]]:
    first = next((r for r in records if not _is_blank(r)), None)
    if first is None:
        raise BdcFileError(
            f"{source} : fichier vide, sans ligne d'en-tête. Ré-exportez la table "
            f"« {table.name} » depuis la BDC."
        )
    where = f"{source}, ligne {first.first}"
    if first.motif == MALFORMED_QUOTE:
        raise BdcFileError(
            f"{where} : en-tête mal formé (guillemet ouvert et non refermé, jusqu'à la ligne "
            f"{first.last}). Corrigez l'en-tête ou ré-exportez le fichier depuis la BDC."
        )
    if first.motif == ENCODING_NUL:  # a NUL is decided per line: in the header, the file
        raise BdcFileError(
            f"{source} : l'en-tête (ligne {first.first}) contient des octets nuls : c'est un "
            "fichier UTF-16 ou un fichier binaire, pas un CSV lisible. Ré-enregistrez-le en "
            "« CSV UTF-8 (délimité par des points-virgules) »."
        )
    if first.motif and first.motif.startswith("encodage"):
        raise BdcFileError(
            f"{where} : en-tête illisible ({first.motif}). Ré-enregistrez le fichier en "
            "« CSV UTF-8 (délimité par des points-virgules) »."
        )
    names = [header_name(h) for h in first.fields]
    known = set(table.column_names) | set(table.personal)
    if not known & set(names):
        if len(names) == 1:
            for sep, label in ((",", "la virgule"), ("\t", "la tabulation"), ("|", "la barre |")):
                if known & {header_name(h) for h in first.fields[0].split(sep)}:
                    raise BdcFileError(
                        f"{where} : une seule colonne lue — le séparateur est {label}, pas le "
                        "point-virgule. Ré-enregistrez le fichier en « CSV séparateur "
                        "point-virgule »."
                    )
        later = None
        for _, record in zip(range(5), records, strict=False):
            if known & {header_name(h) for h in record.fields}:
                later = record.first
                break
        if later is not None:
            raise BdcFileError(
                f"{where} : la première ligne n'est pas l'en-tête (les noms de colonne sont "
                f"en ligne {later}). Supprimez la ou les lignes de titre au-dessus de "
                "l'en-tête : l'en-tête doit être la première ligne du fichier."
            )
        raise BdcFileError(
            f"{where} : pas de ligne d'en-tête (aucun nom de colonne du contrat, par ex. "
            f"« {table.column_names[0]} »). Ajoutez l'en-tête en première ligne ou "
            "ré-exportez la table depuis la BDC."
        )
    return first, names


# --------------------------------------------------------------------------- normalize


@dataclass
class Layout:
    """Where the contract's columns sit in a file, from its header."""

    names: list[str]  # header names, trailing empty ones removed
    width: int  # len(names)
    header_width: int  # fields of the header line, trailing empty ones included
    kept: list[int | None]  # position of each contract column (None: absent)
    required: set[int]  # positions of the required columns


def _layout(first: Record, names: list[str], table: Table, reading: FileReading) -> Layout:
    where = f"{reading.source}, ligne {first.first}"
    width = header_width = len(names)
    while width and not names[width - 1]:  # trailing separators on the header line
        width -= 1
    names = names[:width]
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise BdcFileError(
            f"{where} : colonne(s) en double dans l'en-tête : {', '.join(duplicated)}. "
            "Gardez une seule colonne de chaque nom."
        )
    position = {n: i for i, n in enumerate(names) if n}
    missing = [c.name for c in table.columns if c.required and c.name not in position]
    if missing:
        raise BdcFileError(
            f"{where} : colonne obligatoire absente : {', '.join(missing)} (colonnes lues : "
            f"{', '.join(n or '(sans nom)' for n in names)}). Ajoutez-la à l'export (voir le "
            "contrat BDC)."
        )
    known = set(table.column_names) | set(table.personal)
    reading.ignored_columns = [
        first.fields[i].strip(TRIM) or f"(colonne {i + 1} sans nom)"
        for i, n in enumerate(names)
        if n not in known
    ]
    reading.absent_columns = [c for c in table.column_names if c not in position]
    kept = [position.get(c) for c in table.column_names]
    required = {position[c.name] for c in table.columns if c.required}
    return Layout(names, width, header_width, kept, required)


def normalize(records: Iterator[Record], table: Table, source: str, out: Path) -> FileReading:
    """Check the header, then write the records to `out` (see the module docstring)."""
    reading = FileReading(table.name, source, out)
    first, names = _header(records, table, source)
    layout = _layout(first, names, table, reading)
    names, width, header_width = layout.names, layout.width, layout.header_width
    kept, required = layout.kept, layout.required
    empty = [""] * len(kept)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quotechar='"', lineterminator="\n")
        writer.writerow(_data_header(table))
        for record in records:
            if _is_blank(record):
                continue
            reading.rows += 1
            values, motif, detail, unreadable = empty, record.motif, record.detail, ""
            fields = record.fields
            if (
                motif is None
                and width < len(fields) <= header_width
                and not any(v.strip(TRIM) for v in fields[width:])
            ):
                # Trailing separators, as on the header line (and only then: otherwise a
                # header missing a column would shift the values of every row with an
                # empty last field into the wrong columns).
                fields = fields[:width]
            if motif is None and len(fields) != width:
                motif, detail = MALFORMED_FIELDS, f"{len(fields)} champs"
            if motif is None and record.unreadable:
                bad = [names[i] for i in record.unreadable if i < width and i in kept]
                if required & set(record.unreadable):
                    motif = FORMULA
                    detail = ", ".join(names[i] for i in sorted(required & set(record.unreadable)))
                unreadable = ",".join(bad)
                reading.unreadable += 1
            if motif is None:
                values = [fields[i].strip(TRIM) if i is not None else "" for i in kept]
            writer.writerow(
                [record.first, record.last, motif or "", detail or "", unreadable, *values]
            )
    return reading


def _data_header(table: Table) -> list[str]:
    return ["_ligne", "_ligne_fin", "_motif", "_detail", "_illisibles", *table.column_names]


#: Bytes where Windows-1252 and Latin-1 differ (or Windows-1252 has no character).
_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
#: Bytes Windows-1252 leaves undefined: the careful reader sets their lines aside.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
#: A line of fields each either quoted whole (closed on the line, `""` inside) or free of
#: quotes: the careful reader, DuckDB and this pattern split it alike.
_WELL_QUOTED = '(?:"(?:[^"]|"")*"|[^";]*)(?:;(?:"(?:[^"]|"")*"|[^";]*))*'


@dataclass
class _Simple:
    first: bytes  # the header line, without its line end
    lines: int  # physical lines
    quotes: bool  # a quote somewhere: every line is checked by `_WELL_QUOTED`
    transcode: bool  # Windows-1252 with bytes from 0x80 to 0x9F: read from a UTF-8 copy
    crlf: bool  # every line ended by \r\n


def _simple(fh: BinaryIO, encoding: str) -> _Simple | None:
    """What the fast path needs of a file it may read, else None.

    Simple: valid UTF-8 — or Windows-1252 without a byte it leaves undefined —, every
    line ended by `\n`, or every line by `\r\n` (no other carriage return), no NUL,
    a header on line 1 without a quote. Scanned by chunks, never whole, with no Python
    pass per line (byte searches and the incremental decoder, in C). The rules on each
    line (no blank line, as many fields as the header's, quotes closed on their line
    around whole fields, no line over `MAX_LINE_BYTES`) are checked by DuckDB
    (`_read_fast`).
    """
    fh.seek(0)
    first = fh.readline(MAX_LINE_BYTES + 1)
    if not first.endswith(b"\n") or len(first) > MAX_LINE_BYTES or b'"' in first:
        return None  # a header alone, too long or quoted: the careful reader says it
    fh.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, total, ends_with_newline = 0, 0, True
    cr = crlf = 0
    quotes = transcode = False
    previous_cr = False
    while chunk := fh.read(CHUNK):
        total += len(chunk)
        if total > MAX_FILE_BYTES or b"\x00" in chunk:
            return None
        quotes = quotes or b'"' in chunk
        if b"\r" in chunk:
            cr += chunk.count(b"\r")
            crlf += chunk.count(b"\r\n")
        crlf += previous_cr and chunk.startswith(b"\n")
        previous_cr = chunk.endswith(b"\r")
        if encoding == "cp1252":
            if _CP1252_ONLY.search(chunk):
                if _CP1252_UNDEFINED.search(chunk):
                    return None
                transcode = True
        else:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return None
        lines += chunk.count(b"\n")
        ends_with_newline = chunk.endswith(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if cr and not (cr == crlf == lines):
        return None  # a lone CR, or line ends mixed: the careful reader
    lines += 0 if ends_with_newline else 1
    if lines < 2:
        return None
    return _Simple(first.rstrip(b"\r\n"), lines, quotes, transcode, cr > 0)


def _transcode(fh: BinaryIO, out: Path) -> None:
    """A UTF-8 copy of a Windows-1252 file (chunk by chunk: one byte is one character),
    for DuckDB, which reads no Windows-1252. In the load's private temporary folder,
    deleted with it."""
    fh.seek(0)
    with out.open("wb") as dst:
        while chunk := fh.read(CHUNK):
            dst.write(chunk.decode("cp1252").encode("utf-8"))


_DUCKDB: tuple[int, object] | None = None


def duckdb_memoire():
    """The process's in-memory DuckDB, for reading a file without a warehouse (the fast
    path counts each file's lines on it): one per process, as creating a database costs
    ≈ 30 ms and a cursor on it nothing; made again in a forked child, which must not use
    its parent's. Take a cursor (`.cursor()`) for each use."""
    global _DUCKDB
    if _DUCKDB is None or _DUCKDB[0] != os.getpid():
        import duckdb

        _DUCKDB = (os.getpid(), duckdb.connect())
    return _DUCKDB[1]


def _read_fast(
    fh: BinaryIO, path: Path, encoding: str, table: Table, source: str, out: Path | None = None
) -> FileReading | None:
    """A simple file (see `_simple`) is read by DuckDB, with no Python pass per row:
    the reading carries the SQL that reads it (`FileReading.select`, run by the
    extraction); its records are its lines, so line numbers stay exact. The file is
    first counted by DuckDB under the same strict rules: None (not simple, a row of
    another width, a quote around part of a field or left open, a line too long, any
    count but the lines'), the careful reader reads it. A Windows-1252 file with bytes
    from 0x80 to 0x9F (œ, ’, €) is read from a UTF-8 copy (`out`; None: not read)."""
    simple = _simple(fh, encoding)
    if simple is None:
        return None
    first_line, lines = simple.first, simple.lines
    if first_line.startswith(codecs.BOM_UTF8):
        first_line = first_line[len(codecs.BOM_UTF8) :]
    codec = "latin-1" if encoding == "cp1252" else "utf-8"
    first = Record(1, 1, first_line.decode("cp1252" if simple.transcode else codec).split(";"))
    names = [header_name(h) for h in first.fields]
    if not (set(table.column_names) | set(table.personal)) & set(names) or not names[-1]:
        return None  # no header, trailing separators: the careful reader says it
    if simple.transcode:
        if out is None:
            return None
        _transcode(fh, out)
        path, codec = out, "utf-8"
    reading = FileReading(table.name, source, path, encoding=encoding, lines=lines)
    layout = _layout(first, names, table, reading)
    import duckdb

    from alses.sql import identifier, literal

    chars = "' \t' || chr(160)"
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(layout.width)) + "}"
    quote = "'\"'" if simple.quotes else "''"
    # The careful reader's limit counts the line end: one byte more with \r\n.
    longest = MAX_LINE_BYTES + 1 - simple.crlf
    scan = (
        f"read_csv({literal(path)}, delim=';', quote={quote}, escape={quote}, header=false, "
        f"skip=1, encoding={literal(codec)}, "
        f"auto_detect=false, columns={columns}, strict_mode=true, null_padding=false, "
        f"parallel=false, max_line_size={longest})"
    )
    # Every line whole (byte 1 is no BDC character: a file holding it goes the careful
    # way): its separators counted (DuckDB's strict mode lets some extra fields through),
    # a blank line (nothing but separators and spaces) found. With quotes: every line
    # made of whole fields, quoted or quote-free (`_WELL_QUOTED`), its separators
    # counted outside the quoted fields, and a line of nothing but separators, spaces
    # and quotes taken as blank (the careful reader then decides).
    lines_scan = (
        f"read_csv({literal(path)}, delim=chr(1), quote='', escape='', header=false, "
        f"encoding={literal(codec)}, skip=1, auto_detect=false, "
        "columns={'l': 'VARCHAR'}, strict_mode=true, "
        f"null_padding=false, max_line_size={longest})"
    )
    if simple.quotes:
        fields = "regexp_replace(coalesce(l, ''), '\"(?:[^\"]|\"\")*\"', '', 'g')"
        blank = "'[; \t\xa0\"]*'"
        malformed = f"not regexp_full_match(coalesce(l, ''), {literal(_WELL_QUOTED)})"
    else:
        fields, blank, malformed = "coalesce(l, '')", "'[; \t\xa0]*'", "false"
    try:
        with duckdb_memoire().cursor() as con:
            rows, ragged, blanks, bad = con.execute(
                f"select count(*), count(*) filter (where length({fields}) - "
                f"length(replace({fields}, ';', '')) <> {layout.header_width - 1}), "
                f"count(*) filter (where regexp_full_match(coalesce(l, ''), {blank})), "
                f"count(*) filter (where {malformed} or contains(coalesce(l, ''), chr(13))) "
                f"from {lines_scan}"
            ).fetchone()
    except duckdb.Error:
        return None  # never re-raised: DuckDB's message quotes the line it failed on
    if rows != lines - 1 or ragged or blanks or bad:
        return None

    # trim(c, chars) is costly on every cell of a file read on one thread; a cell that
    # neither starts nor ends with a space and holds no tab nor no-break space is its own
    # trim, so only the others are trimmed (the same values).
    def trimmed(c: str) -> str:
        edges = (
            f"starts_with({c}, ' ') or ends_with({c}, ' ') or contains({c}, chr(9)) "
            f"or contains({c}, chr(160))"
        )
        return f"nullif(case when {edges} then trim({c}, {chars}) else {c} end, '')"

    values = ", ".join(
        f"{trimmed(f'c{i}')} as {identifier(name)}"
        if i is not None
        else f"null::varchar as {identifier(name)}"
        for i, name in zip(layout.kept, table.column_names, strict=True)
    )
    # One scan in file order (parallel=false, and the caller runs it on one thread): row
    # n is line n + 1.
    reading.select = (
        "select _ligne, _ligne as _ligne_fin, null::varchar as _motif, "
        "null::varchar as _detail, null::varchar as _illisibles, * exclude (_ligne) from ("
        f"select (row_number() over ())::integer + 1 as _ligne, {values} from {scan})"
    )
    reading.rows = rows
    return reading


def read_csv_file(
    path: Path, table: Table, out: Path, source: str | None = None, fast: bool = True
) -> FileReading:
    source = source or path.name
    with open_regular(path, source) as fh:
        encoding = detect_encoding(fh, source)
        if fast and (reading := _read_fast(fh, path, encoding, table, source, out)):
            return reading
        fh.seek(0)
        count = [0]

        def lines() -> Iterator[tuple[int, bytes]]:
            for n, raw in _physical_lines(fh, source):
                count[0] = n
                yield n, raw

        reading = normalize(csv_records(lines(), encoding), table, source, out)
    reading.encoding = encoding
    reading.lines = count[0]
    return reading


def read_sheet(workbook, formulas, sheet_name: str, path: Path, table: Table, out: Path):
    """A sheet read whatever its `<dimension>` says: openpyxl's read-only mode trusts that
    declared range (a wrong one, which Excel and LibreOffice ignore, would cut the sheet
    to its first column), so it is dropped (`reset_dimensions`, openpyxl's documented
    remedy) and the sheet's extent measured from its cells, in one more pass."""
    source = f"{path.name}[{sheet_name}]"
    values, cells = workbook[sheet_name], formulas[sheet_name]
    values.reset_dimensions()
    cells.reset_dimensions()
    width = height = 0
    for height, row in enumerate(values.iter_rows(values_only=True), start=1):  # noqa: B007
        width = max(width, len(row))
    # Every row as wide as the widest, as a sheet with a right dimension reads.
    rows = values.iter_rows(max_col=width or None, values_only=True)
    raw = cells.iter_rows(max_col=width or None, values_only=True)
    reading = normalize(sheet_records(rows, raw), table, source, out)
    reading.lines = height
    return reading
