"""Load one drop (one school year) of the BDC export into DuckDB schema `raw`.

The contract's "Bad input" section, applied set-wise in SQL:
- a file that cannot be read as a whole raises `BdcFileError` (nothing of the year loads);
- a row is set aside whole for its first reason, in the contract's order;
- an optional value that is invalid is emptied, an invalid item of a multi-valued
  field removed; each rejection is one row of `raw.quarantaine`;
- tables are checked in dependency order against the rows actually loaded.
Reloading a year replaces that year's rows in one transaction.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from alses.contract import (
    AGE_MAX,
    AGE_MIN,
    TABLES,
    TABLES_BY_NAME,
    WORKBOOK_NAME,
    Column,
    Table,
    parse_school_year,
    school_year_bounds,
)
from alses.reading import BdcFileError, FileReading, read_csv_file, read_sheet
from alses.sql import identifier as _q
from alses.sql import literal as _lit

META_COLUMNS = ("annee_scolaire", "load_id", "fichier_source", "ligne")

QUARANTAINE_DDL = """
create table if not exists raw.quarantaine (
    annee_scolaire varchar, load_id varchar, table_bdc varchar, fichier varchar,
    ligne integer, colonne varchar, valeur varchar, motif varchar, traitement varchar
)"""

CHARGEMENTS_DDL = """
create table if not exists raw.chargements (
    annee_scolaire varchar, load_id varchar, table_bdc varchar, fichier varchar,
    encodage varchar, lignes_lues bigint, lignes_chargees bigint, lignes_ecartees bigint,
    valeurs_videes bigint
)"""

ROW_SET_ASIDE = "ligne écartée"
VALUE_EMPTIED = "valeur vidée"
COLUMN_IGNORED = "colonne ignorée"
COLUMN_ABSENT = "colonne absente"


@dataclass
class TableLoad:
    table: str
    fichier: str
    lues: int
    chargees: int
    ecartees: int
    videes: int


def drop_load_id(drop: Path) -> str:
    """A content hash of the drop: the same files give the same load id (and tables)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in drop.iterdir() if p.is_file()):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _macros(con: duckdb.DuckDBPyConnection, nomenclatures: Path) -> None:
    con.execute(
        r"""
        create or replace temp macro bdc_norm(v) as
            lower(regexp_replace(strip_accents(trim(v)), '\s+', ' ', 'g'));
        create or replace temp macro bdc_date(v) as case
            when regexp_full_match(trim(v), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
                then try_strptime(trim(v), '%d/%m/%Y')::date
            when regexp_full_match(trim(v), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
                then try_strptime(trim(v), '%Y-%m-%d')::date
        end;
        create or replace temp macro bdc_int(v) as case
            when regexp_full_match(trim(v), '[+-]?[0-9]{1,9}') then trim(v)::integer
        end;
        """
    )
    con.execute(
        "create or replace temp table nomenclature as "
        "select field, code, label, bdc_norm(label) as norm "
        f"from read_csv({_lit(str(nomenclatures))}, header=true, all_varchar=true)"
    )
    con.execute(
        "insert into nomenclature values "
        "('yesno', 'OUI', 'Oui', 'oui'), ('yesno', 'NON', 'Non', 'non')"
    )


def _read_drop(drop: Path, workdir: Path) -> list[FileReading]:
    csvs = {p.name.lower(): p for p in drop.iterdir() if p.suffix.lower() == ".csv"}
    workbook_path = next((p for p in drop.iterdir() if p.name.lower() == WORKBOOK_NAME), None)
    readings: list[FileReading] = []
    if csvs or workbook_path is None:
        for table in TABLES:
            path = csvs.get(table.file_name)
            out = workdir / table.file_name
            if path is None:
                if table.optional_file:
                    readings.append(FileReading(table.name, table.file_name, None))
                    continue
                raise BdcFileError(
                    f"{drop}/{table.file_name} : fichier absent. Les huit fichiers "
                    "structures, postes, affectations, colleges, partenaires, usagers, "
                    "situations et interventions doivent figurer dans chaque dépôt."
                )
            readings.append(read_csv_file(path, table, out))
        return readings
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(workbook_path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one error
        raise BdcFileError(
            f"{workbook_path} : classeur Excel illisible ({exc}). Ré-exportez le classeur "
            "depuis la BDC, ou exportez les tables en CSV."
        ) from exc
    try:
        for table in TABLES:
            if table.name not in workbook.sheetnames:
                if table.optional_file:
                    readings.append(FileReading(table.name, f"{WORKBOOK_NAME}[{table.name}]", None))
                    continue
                raise BdcFileError(
                    f"{workbook_path} : la feuille « {table.name} » est absente du classeur "
                    f"(feuilles trouvées : {', '.join(workbook.sheetnames)}). Ajoutez-la ou "
                    "exportez les tables en CSV."
                )
            readings.append(read_sheet(workbook, workbook_path, table, workdir / table.file_name))
    finally:
        workbook.close()
    return readings


def _src_select(table: Table, reading: FileReading) -> str:
    cols = ", ".join(f"nullif(trim({_q(c)}), '') as {_q(c)}" for c in table.column_names)
    if reading.normalized is None:
        cols = ", ".join(f"null::varchar as {_q(c)}" for c in table.column_names)
        return f"select null::integer as _ligne, null::integer as _nb_champs, {cols} limit 0"
    types = {"_ligne": "INTEGER", "_nb_champs": "INTEGER"} | {
        c: "VARCHAR" for c in table.column_names
    }
    spec = "{" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in types.items()) + "}"
    return (
        f"select _ligne, _nb_champs, {cols} from read_csv({_lit(str(reading.normalized))}, "
        f"delim=';', quote='\"', escape='\"', header=true, auto_detect=false, columns={spec})"
    )


def _valid_single(col: Column, v: str, annee: str) -> str:
    """SQL true when the (non-null) value `v` is valid for the column on its own."""
    if col.kind == "date":
        return f"bdc_date({v}) is not null"
    if col.kind == "int":
        lo = f" and bdc_int({v}) >= {col.lo}" if col.lo is not None else ""
        hi = f" and bdc_int({v}) <= {col.hi}" if col.hi is not None else ""
        return f"(bdc_int({v}) is not null{lo}{hi})"
    if col.kind in ("code", "yesno"):
        field = col.nomenclature if col.kind == "code" else "yesno"
        return (
            f"exists (select 1 from nomenclature n where n.field = {_lit(field)} "
            f"and n.norm = bdc_norm({v}))"
        )
    if col.pattern:
        return f"regexp_full_match({v}, {_lit(col.pattern)})"
    return "true"


def _ref_exists(col: Column, v: str) -> str:
    parents = " union all ".join(
        f"select {_q(TABLES_BY_NAME[t].key[0])} as k from ok_{t}" for t in col.ref
    )
    return f"{v} in ({parents})"


def _invalid_reason(col: Column) -> str:
    return {
        "date": "date illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)",
        "int": "nombre entier illisible ou hors bornes",
        "code": f"libellé inconnu de la nomenclature « {col.nomenclature} »",
        "yesno": "valeur autre que Oui / Non",
    }.get(col.kind, "valeur au format invalide")


def _row_checks(table: Table, annee: str) -> list[tuple[str, str, str, str]]:
    """(condition, column, value expression, motif) in the contract's order of reasons."""
    start, end = school_year_bounds(annee)
    checks: list[tuple[str, str, str, str]] = [
        (
            "_nb_champs is not null",
            "",
            "_nb_champs::varchar || ' champs'",
            "ligne mal formée : nombre de champs différent de l'en-tête",
        )
    ]
    for k in table.key:
        checks.append((f"{_q(k)} is null", k, "null", "clé absente"))
    key = ", ".join(_q(k) for k in table.key)
    checks.append(
        (
            f"count(*) over (partition by {key}) > 1",
            ",".join(table.key),
            " || ' / ' || ".join(_q(k) for k in table.key),
            "clé en double dans le fichier (toutes les occurrences sont écartées)",
        )
    )
    for col in table.columns:
        if not col.required or col.name in table.key:
            continue
        checks.append((f"{_q(col.name)} is null", col.name, "null", "champ obligatoire vide"))
    for col in table.columns:
        if not col.required:
            continue
        valid = _valid_single(col, _q(col.name), annee)
        if valid != "true":
            checks.append(
                (
                    f"not ({valid})",
                    col.name,
                    _q(col.name),
                    f"champ obligatoire invalide : {_invalid_reason(col)}",
                )
            )
    if table.in_year_date:
        d = _q(table.in_year_date)
        checks.append(
            (
                f"bdc_date({d}) not between date '{start}' and date '{end}'",
                table.in_year_date,
                d,
                f"date hors de l'année scolaire {annee} (du {start} au {end})",
            )
        )
    for col in table.columns:
        if col.kind == "ref" and col.required:
            checks.append(
                (
                    f"not ({_ref_exists(col, _q(col.name))})",
                    col.name,
                    _q(col.name),
                    f"référence à une ligne non chargée de {' ou '.join(col.ref)}",
                )
            )
    return checks


def _case(checks: list[tuple[str, str, str, str]], pick: int) -> str:
    whens = " ".join(f"when {c[0]} then {c[pick] if pick == 2 else _lit(c[pick])}" for c in checks)
    return f"case {whens} end"


def _field_checks(table: Table, annee: str) -> list[tuple[Column, str, str]]:
    """Optional single-valued columns: (column, SQL 'value is bad', motif)."""
    end_year = parse_school_year(annee)[1]
    out = []
    for col in table.columns:
        if col.required or col.multi or (col.kind == "text" and not col.pattern):
            continue
        v = _q(col.name)
        if col.kind == "ref":
            bad = f"not ({_ref_exists(col, v)})"
            motif = f"référence facultative à une ligne non chargée de {col.ref[0]}"
        else:
            bad = f"not ({_valid_single(col, v, annee)})"
            motif = _invalid_reason(col)
        out.append((col, bad, motif))
        if col.name == "date_naissance":
            age = (
                f"({end_year} - year(bdc_date({v})) - "
                f"case when month(bdc_date({v})) = 1 and day(bdc_date({v})) = 1 "
                "then 0 else 1 end)"
            )
            out.append(
                (
                    col,
                    f"bdc_date({v}) is not null and {age} not between {AGE_MIN} and {AGE_MAX}",
                    f"âge au 1er janvier {end_year} hors de {AGE_MIN} à {AGE_MAX} ans",
                )
            )
    return out


def _load_table(
    con: duckdb.DuckDBPyConnection, table: Table, reading: FileReading, annee: str, load_id: str
) -> TableLoad:
    t = table.name
    meta = f"{_lit(annee)} as annee_scolaire, {_lit(load_id)} as load_id, "
    meta += f"{_lit(reading.source)} as fichier_source"
    con.execute(f"create or replace temp table src_{t} as {_src_select(table, reading)}")
    checks = _row_checks(table, annee)
    con.execute(
        f"create or replace temp table chk_{t} as select *, "
        f"{_case(checks, 3)} as _motif, {_case(checks, 1)} as _colonne, "
        f"{_case(checks, 2)}::varchar as _valeur from src_{t}"
    )
    quarantine_cols = "annee_scolaire, load_id, table_bdc, fichier, ligne, colonne, valeur, "
    quarantine_cols += "motif, traitement"
    con.execute(
        f"insert into q_{load_id} ({quarantine_cols}) select {_lit(annee)}, {_lit(load_id)}, "
        f"{_lit(t)}, {_lit(reading.source)}, _ligne, _colonne, _valeur, _motif, "
        f"{_lit(ROW_SET_ASIDE)} from chk_{t} where _motif is not null"
    )
    cols = ", ".join(_q(c) for c in table.column_names)
    con.execute(
        f"create or replace temp table ok_{t} as select {meta}, _ligne as ligne, {cols} "
        f"from chk_{t} where _motif is null"
    )
    emptied = 0
    for col, bad, motif in _field_checks(table, annee):
        v = _q(col.name)
        n = con.execute(
            f"insert into q_{load_id} ({quarantine_cols}) select annee_scolaire, load_id, "
            f"{_lit(t)}, fichier_source, ligne, {_lit(col.name)}, {v}, {_lit(motif)}, "
            f"{_lit(VALUE_EMPTIED)} from ok_{t} where {v} is not null and {bad}"
        ).fetchone()[0]
        if n:
            con.execute(f"update ok_{t} set {v} = null where {v} is not null and {bad}")
            emptied += n
    for col in table.columns:
        if col.multi:
            emptied += _clean_multi(con, table, col, load_id, quarantine_cols)
    for name in reading.ignored_columns:
        con.execute(
            f"insert into q_{load_id} ({quarantine_cols}) values ({_lit(annee)}, "
            f"{_lit(load_id)}, {_lit(t)}, {_lit(reading.source)}, 1, {_lit(name)}, null, "
            "'colonne inconnue du contrat : ignorée', "
            f"{_lit(COLUMN_IGNORED)})"
        )
    if reading.normalized is not None:
        for name in reading.absent_columns:
            con.execute(
                f"insert into q_{load_id} ({quarantine_cols}) values ({_lit(annee)}, "
                f"{_lit(load_id)}, {_lit(t)}, {_lit(reading.source)}, 1, {_lit(name)}, null, "
                "'colonne facultative absente du fichier : lue comme non renseignée', "
                f"{_lit(COLUMN_ABSENT)})"
            )
    read = con.execute(f"select count(*) from src_{t}").fetchone()[0]
    loaded = con.execute(f"select count(*) from ok_{t}").fetchone()[0]
    return TableLoad(t, reading.source, read, loaded, read - loaded, emptied)


def _clean_multi(
    con: duckdb.DuckDBPyConnection, table: Table, col: Column, load_id: str, qcols: str
) -> int:
    """Drop the invalid items of a multi-valued cell, keep the rest (distinct, in order)."""
    t, v = table.name, _q(col.name)
    con.execute(
        f"create or replace temp table items as "
        f"select ligne, pos, trim(item) as item from ("
        f"  select ligne, unnest(string_split({v}, '|')) as item, "
        f"         generate_subscripts(string_split({v}, '|'), 1) as pos "
        f"  from ok_{t} where {v} is not null) where trim(item) <> ''"
    )
    if col.kind == "ref":
        bad = f"not ({_ref_exists(col, 'item')})"
        motif = f"élément faisant référence à une ligne non chargée de {col.ref[0]}"
    else:
        bad = f"not ({_valid_single(col, 'item', '')})"
        motif = _invalid_reason(col)
    norm = "item" if col.kind == "ref" else "bdc_norm(item)"
    n = con.execute(
        f"insert into q_{load_id} ({qcols}) select o.annee_scolaire, o.load_id, {_lit(t)}, "
        f"o.fichier_source, i.ligne, {_lit(col.name)}, i.item, {_lit(motif)}, "
        f"{_lit(VALUE_EMPTIED)} from items i join ok_{t} o on o.ligne = i.ligne where {bad}"
    ).fetchone()[0]
    con.execute(
        f"update ok_{t} set {v} = c.cleaned from ("
        f"  select ligne, string_agg(item, '|' order by pos) as cleaned from ("
        f"    select *, row_number() over (partition by ligne, {norm} order by pos) as rn "
        f"    from items where not ({bad})) where rn = 1 group by ligne"
        f") c where ok_{t}.ligne = c.ligne"
    )
    con.execute(
        f"update ok_{t} set {v} = null where {v} is not null "
        "and ligne not in (select ligne from items where not (" + bad + "))"
    )
    return n


def _ensure_raw(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(QUARANTAINE_DDL)
    con.execute(CHARGEMENTS_DDL)
    for table in TABLES:
        cols = ", ".join(f"{_q(c)} varchar" for c in table.column_names)
        con.execute(
            f"create table if not exists raw.{table.name} (annee_scolaire varchar, "
            f"load_id varchar, fichier_source varchar, ligne integer, {cols})"
        )


def load_drop(con: duckdb.DuckDBPyConnection, drop: Path, nomenclatures: Path) -> list[TableLoad]:
    """Load the drop folder `drop` (named after its school year) into `raw`, replacing it."""
    annee = drop.name
    parse_school_year(annee)
    if not drop.is_dir():
        raise BdcFileError(f"{drop} : dossier de dépôt introuvable.")
    load_id = drop_load_id(drop)
    _macros(con, nomenclatures)
    loads: list[TableLoad] = []
    with tempfile.TemporaryDirectory(prefix="bdc-") as tmp:
        readings = _read_drop(drop, Path(tmp))
        con.execute(
            QUARANTAINE_DDL.replace(
                "table if not exists raw.quarantaine", f"or replace temp table q_{load_id}"
            )
        )
        by_table = {r.table: r for r in readings}
        for table in TABLES:
            loads.append(_load_table(con, table, by_table[table.name], annee, load_id))
    encodings = {r.table: r.encoding for r in readings}
    con.execute("begin transaction")
    try:
        _ensure_raw(con)
        for table in TABLES:
            con.execute(f"delete from raw.{table.name} where annee_scolaire = ?", [annee])
            con.execute(f"insert into raw.{table.name} by name select * from ok_{table.name}")
        con.execute("delete from raw.quarantaine where annee_scolaire = ?", [annee])
        con.execute(
            f"insert into raw.quarantaine select * from q_{load_id} "
            "order by table_bdc, ligne, colonne, motif"
        )
        con.execute("delete from raw.chargements where annee_scolaire = ?", [annee])
        for tl in loads:
            con.execute(
                "insert into raw.chargements values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    annee,
                    load_id,
                    tl.table,
                    tl.fichier,
                    encodings[tl.table],
                    tl.lues,
                    tl.chargees,
                    tl.ecartees,
                    tl.videes,
                ],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    for table in TABLES:
        con.execute(f"drop table if exists src_{table.name}")
        con.execute(f"drop table if exists chk_{table.name}")
        con.execute(f"drop table if exists ok_{table.name}")
    con.execute(f"drop table if exists q_{load_id}")
    return loads
