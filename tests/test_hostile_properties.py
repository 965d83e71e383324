"""The invariants of hostile input, as properties (hypothesis), on a small drop whose
personal columns hold planted markers:

(a) any bytes in any file: the file is read, or refused with a French error naming it —
    never another exception, never a hang;
(b) every physical line of a file is accounted for: in a record (loaded or set aside,
    its first to last line, records never overlapping), blank, or the header;
(c) no marker planted in nom, prenom, adresse or reseaux_sociaux reaches what DuckDB
    reads, nor any table, view definition or byte of the warehouse file — for files
    edited once (one splice, or new content). Two edits can move a value into another
    column consistently (a separator removed before it and one added after it, or the
    header and a row shifted alike): the row is then well-formed and says that value
    sits in that column, which no reader can tell from a value typed there.

The reader is fed a few hundred mutated files (fast); the whole extraction
(load_drop) a dozen mutated drops. Derandomized: the same examples on every run.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alses.contract import TABLES_BY_NAME
from alses.extract import _src_select, load_drop
from alses.reading import BdcFileError, duckdb_memoire, read_csv_file
from tests.bdc_fixture import tables
from tests.conftest import NOMENCLATURES
from tests.test_hostile import deadline  # one bounded-time helper

MARKERS = {
    "nom": ["QZNOMAAQ", "QZNOMBBQ"],
    "prenom": ["QZPREAAQ", "QZPREBBQ"],
    "adresse": ["QZADRAAQ", "QZADRBBQ"],
    "reseaux_sociaux": ["QZRESAAQ", "QZRESBBQ"],
}
ALL_MARKERS = [m for ms in MARKERS.values() for m in ms]


def base_files() -> dict[str, bytes]:
    data = tables()
    header, rows = data["usagers"]
    for column, values in MARKERS.items():
        for row, value in zip(rows, values, strict=True):
            row[header.index(column)] = value
    return {
        name: ("\n".join([";".join(h)] + [";".join(r) for r in rs]) + "\n").encode()
        for name, (h, rs) in data.items()
    }


BASE = base_files()
HOSTILE = [b";", b'"', b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xe9", b"\xc3\xa9",
           b"\xef\xbb\xbf", b"\xa0", b"\xc2\xa0", b" ", b"x", b'""', b"\xe2\x80\x8b",
           b"\xff\xfe", b"|", b","]  # fmt: skip

chunk = st.one_of(
    st.lists(st.sampled_from(HOSTILE), max_size=6).map(b"".join), st.binary(max_size=8)
)
splice = st.tuples(st.integers(0, 10_000), st.integers(0, 12), chunk)
replace = st.binary(max_size=400).map(lambda b: ("replace", b))
#: One edit of a file: a splice (bytes cut and inserted at one place) or new content.
single = st.one_of(splice.map(lambda s: ("splices", [s])), replace)
#: Several splices in one file.
several = st.lists(splice, min_size=2, max_size=4).map(lambda s: ("splices", s))
mutation = st.one_of(single, several)
file_name = st.sampled_from(["usagers"] * 4 + sorted(BASE))


def mutate(content: bytes, how) -> bytes:
    kind, arg = how
    if kind == "replace":
        return arg
    for pos, cut, insert in arg:
        at = pos % (len(content) + 1)
        content = content[:at] + insert + content[at + cut :]
    return content


def physical_lines(content: bytes) -> list[bytes]:
    lines = re.split(rb"\r\n|\n|\r", content)
    if lines and lines[-1] == b"":
        lines.pop()
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    return lines


def blank(line: bytes) -> bool:
    """Nothing but separators, quotes, spaces, tabs and non-breaking spaces."""
    return not re.sub(rb'[;" \t]|\xc2\xa0|\xa0', b"", line)


def read_rows(table, reading) -> list[tuple]:
    """The rows the extraction reads from a reading (fast path's SQL or careful file),
    through the process's in-memory DuckDB (hundreds of examples: no database each)."""
    with duckdb_memoire().cursor() as con:
        return con.execute(f"select * from ({_src_select(table, reading)}) order by 1").fetchall()


def check_accounting(content: bytes, read: list[tuple], rows: int) -> None:
    lines = physical_lines(content)
    records = sorted((r[0], r[1]) for r in read)
    assert len(records) == rows
    covered: set[int] = set()
    for first, last in records:
        span = set(range(first, last + 1))
        assert 1 <= first <= last <= len(lines)
        assert not covered & span, "records overlap"
        covered |= span
    rest = [n for n, line in enumerate(lines, start=1) if n not in covered and not blank(line)]
    assert len(rest) <= 1, f"lines neither read, set aside, blank nor header: {rest}"
    if rest and records:
        assert rest[0] < records[0][0], "the header comes before the records"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(name=file_name, how=mutation)
def test_reader_reads_or_refuses_accounts_for_every_line_and_drops_personal_columns(name, how):
    content = mutate(BASE[name], how)
    table = TABLES_BY_NAME[name]
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / f"{name}.csv", Path(tmp) / "out.csv"
        path.write_bytes(content)
        try:
            with deadline(20):
                reading = read_csv_file(path, table, out)
        except BdcFileError as exc:  # (a): refused, naming the file
            assert str(exc).startswith(f"{name}.csv")
            return
        read = read_rows(table, reading)
        check_accounting(content, read, reading.rows)  # (b)
        if how[0] == "replace" or len(how[1]) == 1:  # (c), see the module docstring
            written = "\n".join(str(v) for row in read for v in row if v is not None)
            assert not [m for m in ALL_MARKERS if m in written]


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(edits=st.dictionaries(file_name, single, min_size=1, max_size=3))
def test_load_of_a_hostile_drop_keeps_every_promise(edits):
    files = dict(BASE)
    for name, how in edits.items():
        files[name] = mutate(files[name], how)
    with tempfile.TemporaryDirectory() as tmp:
        drop = Path(tmp) / "2021-2022"
        drop.mkdir()
        for name, content in files.items():
            (drop / f"{name}.csv").write_bytes(content)
        warehouse = Path(tmp) / "w.duckdb"
        with duckdb.connect(str(warehouse)) as con:
            con.execute("set force_compression = 'uncompressed'")  # bytes scannable
            try:
                with deadline(60):
                    load_drop(con, drop, NOMENCLATURES, secret="secret-des-tests-proprietes")
            except BdcFileError as exc:  # (a)
                assert re.match(r"^\S*\.csv[ ,]|^" + re.escape(str(drop)), str(exc)), str(exc)
                return
            # (b) per file: rows read = loaded + set aside, spans within the file
            for table, lues, lignes in con.execute(
                "select table_bdc, lignes_lues, lignes_fichier from raw.chargements"
            ).fetchall():
                if lignes is None:
                    continue
                loaded = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
                aside = con.execute(
                    "select count(*), coalesce(max(ligne_fin), 0) from raw.quarantaine "
                    "where table_bdc = ? and traitement = 'ligne écartée'",
                    [table],
                ).fetchone()
                assert lues == loaded + aside[0] and aside[1] <= lignes
            # (c) no marker in any relation or view definition
            dump = [
                str(con.execute(f'select * from "{s}"."{t}"').fetchall())
                for s, t in con.execute(
                    "select schema_name, table_name from duckdb_tables() where not temporary"
                ).fetchall()
            ] + [r[0] or "" for r in con.execute("select sql from duckdb_views()").fetchall()]
            assert not [m for m in ALL_MARKERS if m in "\n".join(dump)]
            con.execute("checkpoint")
        raw = warehouse.read_bytes()
        assert not [m for m in ALL_MARKERS if m.encode() in raw]


SIMPLE = [b";", b"x", b"\n", b" ", b"\t", b"\xc3\xa9", b"\xc2\xa0", b"|", b"\n\n", b"7"]


def splices_of(alphabet: list[bytes]):
    """Up to three splices of a file, each inserting a few bytes of `alphabet`."""
    splice = st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 12),
        st.lists(st.sampled_from(alphabet), max_size=5).map(b"".join),
    )
    return st.lists(splice, min_size=0, max_size=3).map(lambda s: ("splices", s))


simple_mutation = splices_of(SIMPLE)


def read_both(path: Path, table, tmp: Path):
    """What each reader gives the extraction: its counts, and the rows DuckDB reads from
    it (`alses.extract._src_select`: the fast path's SQL, or the careful reader's file)."""
    results = []
    for fast in (True, False):
        out = tmp / f"out-{fast}.csv"
        try:
            r = read_csv_file(path, table, out, fast=fast)
        except BdcFileError as exc:
            results.append(("erreur", str(exc)))
            continue
        fields = (r.rows, r.lines, r.encoding, r.ignored_columns, r.absent_columns)
        results.append((fields, read_rows(table, r)))
    return results


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(name=file_name, how=st.one_of(simple_mutation, mutation))
def test_fast_path_reads_exactly_like_the_careful_reader(name, how):
    """DuckDB reads the simple files (no quote, no blank line, valid UTF-8) without a
    Python pass per row; whatever it reads, it reads exactly as the careful reader."""
    assert_both_readers_agree(name, mutate(BASE[name], how))


def assert_both_readers_agree(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        path.write_bytes(content)
        fast, careful = read_both(path, TABLES_BY_NAME[name], Path(tmp))
        assert fast == careful


#: The same files in Windows-1252 (each has an accented letter: é, è, ô are 0xE0-0xFF).
BASE_CP1252 = {name: content.decode("utf-8").encode("cp1252") for name, content in BASE.items()}
#: Bytes of a Windows-1252 file: Latin-1 letters (fast path) and bytes from 0x80 to 0x9F
#: (œ, ’, €, and 0x81 which Windows-1252 leaves undefined: the careful reader).
SIMPLE_CP1252 = [b";", b"x", b"\n", b" ", b"\t", b"\xe9", b"\xa0", b"\n\n", b"\x9c",
                 b"\x92", b"\x80", b"\x81"]  # fmt: skip
cp1252_mutation = splices_of(SIMPLE_CP1252)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(name=file_name, how=cp1252_mutation)
def test_fast_path_reads_windows_1252_exactly_like_the_careful_reader(name, how):
    """A Windows-1252 file without a byte from 0x80 to 0x9F is Latin-1, which DuckDB
    reads itself: the same rows as the careful reader's."""
    assert_both_readers_agree(name, mutate(BASE_CP1252[name], how))


def test_the_fixture_files_take_the_fast_path(tmp_path):
    from alses import reading

    for encoding, files in (("utf-8", BASE), ("cp1252", BASE_CP1252)):
        for name, content in files.items():
            path = tmp_path / f"{name}.csv"
            path.write_bytes(content)
            with path.open("rb") as fh:
                assert reading.detect_encoding(fh, name) == encoding or not any(
                    b > 127 for b in content
                )
                got = reading._read_fast(fh, path, encoding, TABLES_BY_NAME[name], path.name)
            assert got is not None and got.rows == content.count(b"\n") - 1, (encoding, name)
