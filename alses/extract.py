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

import errno
import hashlib
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from alses.contract import (
    AGE_MAX,
    AGE_MIN,
    BIRTH_DATE,
    TABLES,
    TABLES_BY_NAME,
    WORKBOOK_NAME,
    Column,
    Table,
    derived_columns,
    parse_school_year,
    school_year_bounds,
)
from alses.depots import refuse_mixing
from alses.pseudonym import jeune_key, pseudo_secret
from alses.reading import (
    FORMULA,
    MAX_LINE_BYTES,
    BdcFileError,
    FileReading,
    open_regular,
    read_csv_file,
    read_sheet,
)
from alses.settings import DEMO_YEAR_FILE, is_demo_year
from alses.sql import identifier as _q
from alses.sql import literal as _lit

META_COLUMNS = ("annee_scolaire", "load_id", "fichier_source", "ligne")

QUARANTAINE_DDL = """
create table if not exists raw.quarantaine (
    annee_scolaire varchar, load_id varchar, table_bdc varchar, fichier varchar,
    ligne integer, colonne varchar, valeur varchar, motif varchar, traitement varchar,
    ligne_fin integer
)"""

CHARGEMENTS_DDL = """
create table if not exists raw.chargements (
    annee_scolaire varchar, load_id varchar, table_bdc varchar, fichier varchar,
    encodage varchar, lignes_lues bigint, lignes_chargees bigint, lignes_ecartees bigint,
    valeurs_videes bigint, lignes_fichier bigint
)"""

CLES_DDL = """
create table if not exists raw.cles_jeunes (usager_id_bdc varchar, jeune_key varchar)"""

#: One row per year loaded: whether it is a demo year (alses/settings.py, the demo rule).
#: A warehouse holding demo years refuses a real year, and the reverse (alses/depots.py).
DEPOTS_DDL = """
create table if not exists raw.depots (
    annee_scolaire varchar, load_id varchar, demonstration boolean
)"""

ROW_SET_ASIDE = "ligne écartée"
VALUE_EMPTIED = "valeur vidée"
COLUMN_IGNORED = "colonne ignorée"
COLUMN_ABSENT = "colonne absente"
FILE_IGNORED = "fichier ignoré"


class YearNotBuildableError(Exception):
    """No intervention of the year could be loaded: there is nothing to build."""


class DiskFullError(Exception):
    """The disk filled up while the warehouse was written: nothing of the year was kept."""


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
    # Labels are matched on `bdc_norm` (docs/contrat_bdc.md, « Libellés et espaces »):
    # invisible format characters removed (zero-width spaces and joiners, word joiner,
    # BOM, soft hyphen), every run of Unicode spaces one space, trimmed, accents
    # stripped, lower case. A multi-valued piece is trimmed by `bdc_trim` (the same
    # spaces and invisible characters): a piece holding nothing else is empty.
    con.execute(
        r"""
        create or replace temp macro bdc_norm(v) as lower(strip_accents(trim(regexp_replace(
            regexp_replace(v, '\p{Cf}', '', 'g'), '[\s\pZ]+', ' ', 'g'))));
        create or replace temp macro bdc_trim(v) as
            regexp_replace(v, '^[\s\pZ\p{Cf}]+|[\s\pZ\p{Cf}]+$', '', 'g');
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


def _drop_entries(drop: Path) -> tuple[dict[str, Path], Path | None, list[str]]:
    """The contract's files of a drop, matched case-insensitively (two files naming one
    table make the year unreadable), the workbook, and the other entries' names."""
    names = {t.file_name: t.name for t in TABLES}
    by_name: dict[str, list[Path]] = {}
    for p in sorted(drop.iterdir()):
        if p.name == DEMO_YEAR_FILE:  # the demo rule's marker: neither a table nor reported
            continue
        by_name.setdefault(p.name.lower(), []).append(p)
    for name, paths in by_name.items():
        if len(paths) > 1 and (name in names or name == WORKBOOK_NAME):
            what = f"la table « {names[name]} »" if name in names else "le classeur"
            raise BdcFileError(
                f"{drop} : {' et '.join(p.name for p in paths)} désignent tous {what} "
                "(les noms de fichier ne distinguent pas les majuscules). Gardez un seul "
                "fichier et supprimez l'autre."
            )
    csvs = {name: paths[0] for name, paths in by_name.items() if name in names}
    workbook = by_name.get(WORKBOOK_NAME, [None])[0]
    others = [ps[0].name for n, ps in by_name.items() if n not in names and n != WORKBOOK_NAME]
    return csvs, workbook, others


def _read_drop(drop: Path, workdir: Path) -> tuple[list[FileReading], list[str]]:
    """Read every file of the drop; return the readings and the entries ignored."""
    csvs, workbook_path, ignored = _drop_entries(drop)
    readings: list[FileReading] = []
    if csvs or workbook_path is None:
        if workbook_path is not None:
            ignored.append(workbook_path.name)
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
        return readings, ignored
    return _read_workbook(workbook_path, workdir), ignored


def _read_workbook(workbook_path: Path, workdir: Path) -> list[FileReading]:
    import openpyxl

    readings: list[FileReading] = []
    try:
        open_regular(workbook_path, workbook_path.name).close()
        # Twice: the cached values, and the formulas (a formula without a cached value
        # reads as empty in the first; the second tells it from an empty cell).
        workbook = openpyxl.load_workbook(workbook_path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(workbook_path, read_only=True, data_only=False)
    except BdcFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one error
        raise BdcFileError(
            f"{workbook_path} : classeur Excel illisible ({type(exc).__name__}). Ré-exportez "
            "le classeur depuis la BDC, ou exportez les tables en CSV."
        ) from exc
    try:
        sheets: dict[str, list[str]] = {}
        for name in workbook.sheetnames:
            sheets.setdefault(name.strip().lower(), []).append(name)
        for table in TABLES:
            found = sheets.get(table.name, [])
            if len(found) > 1:
                raise BdcFileError(
                    f"{workbook_path} : les feuilles {' et '.join(found)} désignent toutes la "
                    f"table « {table.name} ». Gardez une seule feuille."
                )
            if not found:
                if table.optional_file:
                    readings.append(FileReading(table.name, f"{WORKBOOK_NAME}[{table.name}]", None))
                    continue
                raise BdcFileError(
                    f"{workbook_path} : la feuille « {table.name} » est absente du classeur "
                    f"(feuilles trouvées : {', '.join(workbook.sheetnames)}). Ajoutez-la ou "
                    "exportez les tables en CSV."
                )
            try:
                readings.append(
                    read_sheet(
                        workbook,
                        formulas,
                        found[0],
                        workbook_path,
                        table,
                        workdir / table.file_name,
                    )
                )
            except BdcFileError:
                raise
            except Exception as exc:  # noqa: BLE001 - a corrupt sheet is one error
                raise BdcFileError(
                    f"{workbook_path}[{found[0]}] : feuille illisible ({type(exc).__name__}). "
                    "Ré-exportez le classeur depuis la BDC, ou exportez les tables en CSV."
                ) from exc
    finally:
        workbook.close()
        formulas.close()
    return readings


READ_COLUMNS = {
    "_ligne": "INTEGER",
    "_ligne_fin": "INTEGER",
    "_motif": "VARCHAR",
    "_detail": "VARCHAR",
    "_illisibles": "VARCHAR",
}


def _src_select(table: Table, reading: FileReading) -> str:
    meta = "_ligne, _ligne_fin, nullif(_motif, '') as _motif, nullif(_detail, '') as _detail, "
    meta += "nullif(_illisibles, '') as _illisibles"
    cols = ", ".join(f"nullif({_q(c)}, '') as {_q(c)}" for c in table.column_names)
    if reading.normalized is None:
        cols = ", ".join(f"null::varchar as {_q(c)}" for c in table.column_names)
        nulls = ", ".join(f"null::{t} as {k}" for k, t in READ_COLUMNS.items())
        return f"select {nulls}, {cols} limit 0"
    if reading.select is not None:  # the fast path: DuckDB reads the file itself
        return reading.select
    types = READ_COLUMNS | {c: "VARCHAR" for c in table.column_names}
    spec = "{" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in types.items()) + "}"
    return (
        f"select {meta}, {cols} from read_csv({_lit(str(reading.normalized))}, "
        f"delim=';', quote='\"', escape='\"', header=true, auto_detect=false, "
        f"max_line_size={8 * MAX_LINE_BYTES}, columns={spec})"
    )


def _valid_single(col: Column, v: str, annee: str) -> str:
    """SQL true when the (non-null) value `v` of the column is valid on its own. A date or
    a label is valid when it was read (`<col>__date`, `<col>__code`: `_read_values`)."""
    if col.kind == "date":
        return f"{_q(col.name + '__date')} is not null"
    if col.kind == "int":
        lo = f" and bdc_int({v}) >= {col.lo}" if col.lo is not None else ""
        hi = f" and bdc_int({v}) <= {col.hi}" if col.hi is not None else ""
        return f"(bdc_int({v}) is not null{lo}{hi})"
    if col.kind in ("code", "yesno"):
        return f"{_q(col.name + '__code')} is not null"
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


#: Action ids are unique across the two action files (contract, « Bad input »).
OTHER_ACTION_FILE = {
    "actions_ponctuelles": "actions_collectives",
    "actions_collectives": "actions_ponctuelles",
}


def _row_checks(table: Table, annee: str) -> list[tuple[str, str, str, str]]:
    """(condition, column, value expression, motif expression) in the contract's order."""
    start, end = school_year_bounds(annee)
    checks: list[tuple[str, str, str, str]] = [
        # set aside while reading: malformed line, unreadable encoding or formula
        ("_motif is not null", "", "_detail", "_motif")
    ]
    if len(_unreadable_fields(table, annee)) >= SHIFTED_MIN:
        checks.append(
            (
                f"_champs_illisibles >= {SHIFTED_MIN}",
                "",
                "cast(_champs_illisibles as varchar) || ' champs illisibles'",
                _lit(SHIFTED),
            )
        )
    for k in table.key:
        checks.append((f"{_q(k)} is null", k, "null", _lit("clé absente")))
    key = ", ".join(_q(k) for k in table.key)
    duplicate = f"count(*) over (partition by {key}) > 1"
    motif = _lit("clé en double dans le fichier (toutes les occurrences sont écartées)")
    other = OTHER_ACTION_FILE.get(table.name)
    if other:
        in_other = f"{_q(table.key[0])} in (select {_q(table.key[0])} from src_{other})"
        motif = (
            f"case when {duplicate} then {motif} else "
            + _lit(
                f"clé en double : action_id présent aussi dans {other}.csv (les identifiants "
                "d'action sont uniques entre les deux fichiers ; toutes les occurrences sont "
                "écartées)"
            )
            + " end"
        )
        duplicate = f"({duplicate} or {in_other})"
    checks.append(
        (duplicate, ",".join(table.key), " || ' / ' || ".join(_q(k) for k in table.key), motif)
    )
    for col in table.columns:
        if not col.required or col.name in table.key:
            continue
        checks.append((f"{_q(col.name)} is null", col.name, "null", _lit("champ obligatoire vide")))
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
                    _lit(f"champ obligatoire invalide : {_invalid_reason(col)}"),
                )
            )
    if table.in_year_date:
        d = _q(table.in_year_date)
        checks.append(
            (
                f"{_q(table.in_year_date + '__date')} not between date '{start}' and date '{end}'",
                table.in_year_date,
                d,
                _lit(f"date hors de l'année scolaire {annee} (du {start} au {end})"),
            )
        )
    for col in table.columns:
        if col.kind == "ref" and col.required:
            checks.append(
                (
                    f"not ({_ref_exists(col, _q(col.name))})",
                    col.name,
                    _q(col.name),
                    _lit(f"référence à une ligne non chargée de {' ou '.join(col.ref)}"),
                )
            )
    return checks


#: « ligne décalée » (contract, « Bad input », 2026-12-07): a row in which this many
#: fields cannot be read is set aside whole, and none of its values is recorded.
SHIFTED_MIN = 3
SHIFTED = (
    "ligne décalée : au moins trois champs illisibles, les valeurs ne sont pas dans leurs "
    "colonnes (un ; dans un texte et un champ manquant ailleurs ?) ; aucune valeur n'est "
    "gardée"
)


def _unreadable_fields(table: Table, annee: str) -> list[str]:
    """Per column that can count towards a shifted row, SQL true when the row's value
    cannot be read: a label that matches nothing (in a multi-valued field, at least one
    item: `mu_<table>`), a date, a number, a Oui/Non or a UAI code that cannot be read, a
    number out of its range. Empty values, free texts, identifiers and references do not
    count (contract, « ligne décalée »)."""
    out = []
    for col in table.columns:
        v = _q(col.name)
        if col.multi:
            if col.kind == "code":
                out.append(
                    f"coalesce((select m.mauvais from mu_{table.name} m where m.colonne = "
                    f"{_lit(col.name)} and m.valeur = {v}), false)"
                )
        elif col.kind in ("date", "int", "code", "yesno") or (col.kind != "ref" and col.pattern):
            out.append(f"({v} is not null and not ({_valid_single(col, v, annee)}))")
    return out


def _shifted_items(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """`mu_<table>`: per distinct cell of each multi-valued label column, whether one of
    its items matches no label (each distinct cell checked once)."""
    cols = [c for c in table.columns if c.multi and c.kind == "code"]
    parts = [
        f"select {_lit(c.name)} as colonne, valeur, bool_or({_code(c, 'item')} is null) "
        f"as mauvais from (select valeur, bdc_trim(unnest(string_split(valeur, '|'))) as item "
        f"from (select distinct {_q(c.name)} as valeur from src_{table.name} "
        f"where {_q(c.name)} is not null)) where item <> '' group by valeur"
        for c in cols
    ]
    if not parts:
        parts = ["select null::varchar as colonne, null::varchar as valeur, false as mauvais"]
    con.execute(f"create or replace temp table mu_{table.name} as {' union all '.join(parts)}")


def _case(checks: list[tuple[str, str, str, str]], pick: int) -> str:
    whens = " ".join(f"when {c[0]} then {_lit(c[1]) if pick == 1 else c[pick]}" for c in checks)
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
        if col.name == BIRTH_DATE:
            age = _q(col.name + "__age")
            out.append(
                (
                    col,
                    f"{age} is not null and {age} not between {AGE_MIN} and {AGE_MAX}",
                    f"âge au 1er janvier {end_year} hors de {AGE_MIN} à {AGE_MAX} ans",
                )
            )
    return out


def _age(d: str, annee: str) -> str:
    """Age on 1 January of the school year `annee`, in whole years, of the date `d`."""
    end_year = parse_school_year(annee)[1]
    return f"({end_year} - year({d}) - case when month({d}) = 1 and day({d}) = 1 then 0 else 1 end)"


def _code(col: Column, v: str) -> str:
    """The nomenclature code of the label `v` (null when empty or unknown)."""
    field = col.nomenclature if col.kind == "code" else "yesno"
    return (
        f"(select min(n.code) from nomenclature n where n.field = {_lit(field)} "
        f"and n.norm = bdc_norm({v}))"
    )


def _read_values(con: duckdb.DuckDBPyConnection, table: Table, annee: str) -> None:
    """Read every date and every single label of `src_<table>` once, beside the raw value
    (alses.contract.derived_columns): the checks test them (a value is valid when it was
    read), and the values kept are written to raw as they are, for staging. Each distinct
    value is read once (a column holds a few dozen labels, a few hundred dates); the rows
    join it. The codes of multi-valued fields are written by `_clean_multi`."""
    t = table.name
    derived = [d for d in derived_columns(table) if not d[2].multi]
    if not derived:
        return
    lookups = []
    for name, _, col in derived:
        if name.endswith("__date"):
            value = "null::varchar as code, bdc_date(valeur) as d"
        elif name.endswith("__code"):
            value = f"{_code(col, 'valeur')} as code, null::date as d"
        else:
            continue
        lookups.append(
            f"select {_lit(col.name)} as colonne, valeur, {value} from "
            f"(select distinct {_q(col.name)} as valeur from src_{t} "
            f"where {_q(col.name)} is not null)"
        )
    con.execute(f"create or replace temp table lu_{t} as {' union all '.join(lookups)}")
    exprs, ages = [], []
    for name, sql_type, col in derived:
        if name.endswith("__age"):
            ages.append(f"cast({_age(_q(col.name + '__date'), annee)} as {sql_type}) as {_q(name)}")
            continue
        what = "d" if name.endswith("__date") else "code"
        exprs.append(
            f"cast((select l.{what} from lu_{t} l where l.colonne = {_lit(col.name)} "
            f"and l.valeur = s.{_q(col.name)}) as {sql_type}) as {_q(name)}"
        )
    # A view, not a copy of the table: its one reader that matters (the checks, `chk_`)
    # materialises it once. The read table becomes `src0_`; `_drop_temporaries` drops all.
    con.execute(f"alter table src_{t} rename to src0_{t}")
    inner = f"select s.*, {', '.join(exprs)} from src0_{t} s"
    outer = f"select *, {', '.join(ages)} from ({inner})" if ages else inner
    con.execute(f"create temp view src_{t} as {outer}")


QCOLS = "annee_scolaire, load_id, table_bdc, fichier, ligne, colonne, valeur, motif, traitement"


def _load_table(
    con: duckdb.DuckDBPyConnection, table: Table, reading: FileReading, annee: str, load_id: str
) -> TableLoad:
    """Check the rows of `src_<table>` (already read) into `ok_<table>` and the quarantine."""
    t = table.name
    meta = f"{_lit(annee)} as annee_scolaire, {_lit(load_id)} as load_id, "
    meta += f"{_lit(reading.source)} as fichier_source"
    cols = ", ".join(_q(c) for c in table.column_names)
    derived = derived_columns(table)
    cols += "".join(
        f", null::varchar as {_q(name)}" if col.multi else f", {_q(name)}"
        for name, _, col in derived
    )
    _read_values(con, table, annee)
    if reading.normalized is None:  # an optional file absent: nothing to check
        con.execute(
            f"create or replace temp table ok_{t} as select {meta}, _ligne as ligne, {cols} "
            f"from src_{t}"
        )
        return TableLoad(t, reading.source, 0, 0, 0, 0)
    checks = _row_checks(table, annee)
    unreadable = _unreadable_fields(table, annee)
    source = f"src_{t}"
    if len(unreadable) >= SHIFTED_MIN:
        _shifted_items(con, table)
        count = " + ".join(f"cast({u} as integer)" for u in unreadable)
        source = f"(select *, {count} as _champs_illisibles from src_{t})"
    con.execute(
        f"create or replace temp table chk_{t} as select *, "
        f"{_case(checks, 3)} as _raison, {_case(checks, 1)} as _colonne, "
        f"{_case(checks, 2)}::varchar as _valeur from {source}"
    )
    quarantine_cols = QCOLS + ", ligne_fin"
    con.execute(
        f"insert into q_{load_id} ({quarantine_cols}) select {_lit(annee)}, {_lit(load_id)}, "
        f"{_lit(t)}, {_lit(reading.source)}, _ligne, _colonne, _valeur, _raison, "
        f"{_lit(ROW_SET_ASIDE)}, _ligne_fin from chk_{t} where _raison is not null"
    )
    # Workbook cells holding a formula without a cached value: unreadable, hence emptied
    # (required ones already set their row aside while reading).
    emptied = 0
    if reading.unreadable:
        emptied = con.execute(
            f"insert into q_{load_id} ({quarantine_cols}) select {_lit(annee)}, {_lit(load_id)}, "
            f"{_lit(t)}, {_lit(reading.source)}, _ligne, colonne, null, "
            f"{_lit(FORMULA)}, {_lit(VALUE_EMPTIED)}, _ligne_fin from ("
            f"  select _ligne, _ligne_fin, unnest(string_split(_illisibles, ',')) as colonne "
            f"  from chk_{t} where _raison is null and _illisibles is not null)"
        ).fetchone()[0]
    # Optional values: every rejection in one statement, every emptying in the copy of the
    # rows kept (an emptied value has no date, code or age either).
    field_checks = _field_checks(table, annee)
    kept = cols
    if field_checks:
        union = " union all ".join(
            f"select {_lit(annee)}, {_lit(load_id)}, {_lit(t)}, {_lit(reading.source)}, "
            f"_ligne, {_lit(col.name)}, {_q(col.name)}, {_lit(motif)}, {_lit(VALUE_EMPTIED)}, "
            f"_ligne from chk_{t} where _raison is null and {_q(col.name)} is not null "
            f"and {bad}"
            for col, bad, motif in field_checks
        )
        emptied += con.execute(f"insert into q_{load_id} ({QCOLS}, ligne_fin) {union}").fetchone()[
            0
        ]
        bad_by_column: dict[str, list[str]] = {}
        for col, bad, _ in field_checks:
            bad_by_column.setdefault(col.name, []).append(f"({bad})")
        emptying = {
            x: f"case when {_q(c)} is not null and ({' or '.join(b)}) then null else {_q(x)} end"
            for c, b in bad_by_column.items()
            for x in [c] + [name for name, _, col in derived if col.name == c]
        }
        kept = ", ".join(
            f"{emptying[c]} as {_q(c)}" if c in emptying else _q(c) for c in table.column_names
        )
        kept += "".join(
            f", null::varchar as {_q(name)}"
            if col.multi
            else f", {emptying[name]} as {_q(name)}"
            if name in emptying
            else f", {_q(name)}"
            for name, _, col in derived
        )
    con.execute(
        f"create or replace temp table ok_{t} as select {meta}, _ligne as ligne, {kept} "
        f"from chk_{t} where _raison is null"
    )
    multi = [col for col in table.columns if col.multi]
    if multi:
        counts = con.execute(
            "select " + ", ".join(f"count({_q(c.name)})" for c in multi) + f" from ok_{t}"
        ).fetchone()
        filled = [col for col, n in zip(multi, counts, strict=True) if n]
        if filled:
            emptied += _clean_multi(con, table, filled, load_id, QCOLS)
    notes = [
        (name, "colonne inconnue du contrat : ignorée", COLUMN_IGNORED)
        for name in reading.ignored_columns
    ] + [
        (name, "colonne facultative absente du fichier : lue comme non renseignée", COLUMN_ABSENT)
        for name in reading.absent_columns
    ]
    if notes:
        values = ", ".join(
            f"({_lit(annee)}, {_lit(load_id)}, {_lit(t)}, {_lit(reading.source)}, 1, "
            f"{_lit(name)}, null, {_lit(motif)}, {_lit(traitement)}, 1)"
            for name, motif, traitement in notes
        )
        con.execute(f"insert into q_{load_id} ({quarantine_cols}) values {values}")
    read = con.execute(f"select count(*) from src_{t}").fetchone()[0]
    loaded = con.execute(f"select count(*) from ok_{t}").fetchone()[0]
    return TableLoad(t, reading.source, read, loaded, read - loaded, emptied)


def _clean_multi(
    con: duckdb.DuckDBPyConnection, table: Table, columns: list[Column], load_id: str, qcols: str
) -> int:
    """Drop the invalid items of the multi-valued cells of `columns`, keep the rest
    (distinct, in order), and write the codes of the kept labels beside them
    (`<col>__codes`). The cleaning is a function of the cell's text: each distinct cell
    of a column is split and checked once, and the rows join the result. One rewrite of
    `ok_<table>` for all the columns."""
    t = table.name
    con.execute(
        "create or replace temp table items as "
        "select colonne, valeur, pos, bdc_trim(item) as item from ("
        + " union all ".join(
            f"select {_lit(c.name)} as colonne, valeur, "
            f"unnest(string_split(valeur, '|')) as item, "
            f"generate_subscripts(string_split(valeur, '|'), 1) as pos "
            f"from (select distinct {_q(c.name)} as valeur from ok_{t} "
            f"where {_q(c.name)} is not null)"
            for c in columns
        )
        + ") where bdc_trim(item) <> ''"
    )
    lookups = []
    for c in columns:
        distinct = f"(select distinct item from items where colonne = {_lit(c.name)})"
        if c.kind == "ref":
            motif = f"élément faisant référence à une ligne non chargée de {c.ref[0]}"
            checked = f"item as norm, null::varchar as code, not ({_ref_exists(c, 'item')}) as bad"
        else:
            motif = _invalid_reason(c)
            checked = f"bdc_norm(item) as norm, {_code(c, 'item')} as code, null::boolean as bad"
        lookups.append(
            f"select {_lit(c.name)} as colonne, item, {_lit(motif)} as motif, {checked} "
            f"from {distinct}"
        )
    con.execute(
        "create or replace temp table items_checked as "
        f"with lookup as (select * exclude (bad), coalesce(bad, code is null) as bad from ("
        f"{' union all '.join(lookups)})) "
        "select i.colonne, i.valeur, i.pos, i.item, l.norm, l.code, l.bad, l.motif "
        "from items i join lookup l on i.colonne = l.colonne and i.item = l.item"
    )
    rejected = " union all ".join(
        f"select o.ligne, o.annee_scolaire, o.load_id, o.fichier_source, i.colonne, i.pos, "
        f"i.item, i.motif from items_checked i join ok_{t} o "
        f"on o.{_q(c.name)} = i.valeur where i.colonne = {_lit(c.name)} and i.bad"
        for c in columns
    )
    n = con.execute(
        f"insert into q_{load_id} ({qcols}, ligne_fin) select annee_scolaire, load_id, "
        f"{_lit(t)}, fichier_source, ligne, colonne, item, motif, {_lit(VALUE_EMPTIED)}, "
        f"ligne from ({rejected}) order by ligne, colonne, pos"
    ).fetchone()[0]
    con.execute(
        f"create or replace temp table cells_{t} as "
        "select colonne, valeur, string_agg(item, '|' order by pos) as cleaned, "
        "string_agg(code, '|' order by pos) as codes from ("
        "  select *, row_number() over (partition by colonne, valeur, norm order by pos) as rn "
        "  from items_checked where not bad"
        ") where rn = 1 group by colonne, valeur"
    )
    joins, replace = [], []
    for i, c in enumerate(columns):
        joins.append(
            f"left join (select valeur, cleaned, codes from cells_{t} where colonne = "
            f"{_lit(c.name)}) c{i} on o.{_q(c.name)} = c{i}.valeur"
        )
        replace.append(f"c{i}.cleaned as {_q(c.name)}")
        if c.kind != "ref":
            replace.append(f"c{i}.codes as {_q(c.name + '__codes')}")
    # The cleaned rows are a view (`okv_`), read once, by the insert into raw: no second
    # copy of the table. `ok_` keeps the rows as checked: its keys, which the references
    # of the next tables read, and its row count are the same.
    con.execute(
        f"create temp view okv_{t} as select o.* replace ({', '.join(replace)}) "
        f"from ok_{t} o {' '.join(joins)}"
    )
    for name in ("items", "items_checked"):
        con.execute(f"drop table {name}")
    return n


def _ensure_raw(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(QUARANTAINE_DDL)
    con.execute(CHARGEMENTS_DDL)
    con.execute(CLES_DDL)
    con.execute(DEPOTS_DDL)
    # Warehouses built before these columns existed.
    con.execute("alter table raw.quarantaine add column if not exists ligne_fin integer")
    con.execute("alter table raw.chargements add column if not exists lignes_fichier bigint")
    for table in TABLES:
        cols = ", ".join(f"{_q(c)} varchar" for c in table.column_names)
        con.execute(
            f"create table if not exists raw.{table.name} (annee_scolaire varchar, "
            f"load_id varchar, fichier_source varchar, ligne integer, {cols})"
        )
        # The validated values beside the raw ones (also on warehouses built before).
        for name, sql_type, _ in derived_columns(table):
            con.execute(
                f"alter table raw.{table.name} add column if not exists {_q(name)} {sql_type}"
            )


def _keys(con: duckdb.DuckDBPyConnection, secret: str) -> None:
    """Recompute `raw.cles_jeunes` for every usager_id of every year loaded, the secret
    passed to a Python function: it never appears in any SQL text."""
    name = f"alses_cle_{uuid.uuid4().hex}"
    con.create_function(name, lambda u: jeune_key(secret, u), ["VARCHAR"], "VARCHAR")
    try:
        ids = " union ".join(
            f"select usager_id from raw.{t} where usager_id is not null"
            for t in ("usagers", "situations", "interventions", "actions_participants")
        )
        con.execute("delete from raw.cles_jeunes")
        con.execute(f"insert into raw.cles_jeunes select usager_id, {name}(usager_id) from ({ids})")
    finally:
        con.remove_function(name)


def _commit(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("commit")


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    text = str(exc).lower()
    return "no space left on device" in text or "disk full" in text or "disque plein" in text


def _where(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse file of `con`, for messages."""
    try:
        return (
            con.execute(
                "select path from duckdb_databases() where database_name = current_database()"
            ).fetchone()[0]
            or "l'entrepôt"
        )
    except duckdb.Error:
        return "l'entrepôt"


def _disk_full_error(con: duckdb.DuckDBPyConnection, annee: str) -> DiskFullError:
    where = _where(con)
    return DiskFullError(
        f"{where} : disque plein pendant le chargement de l'année {annee}. Rien de cette "
        "année n'a été enregistré : l'entrepôt garde son état précédent et le fichier publié "
        "n'a pas été modifié. Libérez de la place sur ce disque (et dans le dossier "
        f"temporaire {tempfile.gettempdir()}), puis relancez."
    )


def load_drop(
    con: duckdb.DuckDBPyConnection,
    drop: Path,
    nomenclatures: Path,
    secret: str | None = None,
    buildable: bool = False,
) -> list[TableLoad]:
    """Load the drop folder `drop` (named after its school year) into `raw`, replacing it.

    `secret` is the pseudonymisation secret (by default from ALSES_PSEUDO_SECRET, see
    alses/pseudonym.py): checked before anything is read. `buildable`: the year is to be
    built (the job), so a drop from which no intervention can be loaded is refused
    whole (YearNotBuildableError), before anything of it is written.
    """
    annee = drop.name
    parse_school_year(annee)
    if secret is None:
        secret = pseudo_secret(drop.parent)
    if not drop.is_dir():
        raise BdcFileError(f"{drop} : dossier de dépôt introuvable.")
    refuse_mixing(con, _where(con), {annee: is_demo_year(drop)})
    try:
        return _load(con, drop, nomenclatures, secret, annee, buildable)
    except OSError as exc:
        if _disk_full(exc):
            raise _disk_full_error(con, annee) from exc
        raise BdcFileError(f"{drop} : lecture impossible ({exc.strerror or exc}).") from exc


def _not_buildable(
    con: duckdb.DuckDBPyConnection, annee: str, load_id: str, loads: list[TableLoad]
) -> str:
    """Why a year cannot be built, file by file: the rows set aside, their commonest
    reason and the first line that has it."""
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            f"select table_bdc, mode(motif), min(ligne) from q_{load_id} "
            "where traitement = ? group by table_bdc",
            [ROW_SET_ASIDE],
        ).fetchall()
    }
    detail = [
        f"  {tl.fichier} : {tl.ecartees} sur {tl.lues}, surtout « {rows[tl.table][0]} » "
        f"(dès la ligne {rows[tl.table][1]})"
        for tl in loads
        if tl.ecartees and tl.table in rows
    ]
    interventions = next(tl for tl in loads if tl.table == "interventions")
    return (
        f"{annee} : aucune intervention n'a pu être chargée ({interventions.fichier} : "
        f"{interventions.lues} ligne(s) lue(s), {interventions.ecartees} écartée(s)) : "
        "l'année n'a aucun jeune accompagné, ses indicateurs ne peuvent pas être calculés. "
        "Rien de l'année n'a été chargé ni construit ; l'entrepôt et le fichier publié sont "
        "inchangés.\n"
        + ("Lignes écartées, par fichier :\n" + "\n".join(detail) + "\n" if detail else "")
        + "Corrigez l'export de l'année (le premier fichier de la liste est souvent la "
        "cause des suivants : une ligne écartée écarte celles qui s'y réfèrent), puis "
        "relancez."
    )


def _load(
    con: duckdb.DuckDBPyConnection,
    drop: Path,
    nomenclatures: Path,
    secret: str,
    annee: str,
    buildable: bool = False,
) -> list[TableLoad]:
    load_id = drop_load_id(drop)
    demo = is_demo_year(drop)
    _macros(con, nomenclatures)
    _drop_temporaries(con)
    loads: list[TableLoad] = []
    with tempfile.TemporaryDirectory(prefix="bdc-") as tmp:
        readings, ignored = _read_drop(drop, Path(tmp))
        con.execute(
            QUARANTAINE_DDL.replace(
                "table if not exists raw.quarantaine", f"or replace temp table q_{load_id}"
            )
        )
        by_table = {r.table: r for r in readings}
        # One thread while the files are read: a file read by the fast path numbers its
        # rows in scan order (alses/reading.py, `_read_fast`).
        threads = con.execute("select current_setting('threads')").fetchone()[0]
        con.execute("set threads = 1")
        try:
            for table in TABLES:
                con.execute(
                    f"create or replace temp table src_{table.name} as "
                    f"{_src_select(table, by_table[table.name])}"
                )
        finally:
            con.execute(f"set threads = {int(threads)}")
        for table in TABLES:
            loads.append(_load_table(con, table, by_table[table.name], annee, load_id))
    for name in ignored:
        con.execute(
            f"insert into q_{load_id} ({QCOLS}) values (?, ?, null, ?, null, null, null, ?, ?)",
            [
                annee,
                load_id,
                name,
                "fichier ou dossier qui ne désigne aucune table du contrat : ignoré",
                FILE_IGNORED,
            ],
        )
    if buildable and not next(tl for tl in loads if tl.table == "interventions").chargees:
        raise YearNotBuildableError(_not_buildable(con, annee, load_id, loads))
    encodings = {r.table: r.encoding for r in readings}
    lines = {r.table: r.lines for r in readings}
    con.execute("begin transaction")
    try:
        _ensure_raw(con)
        cleaned = _temporary_views(con)
        for table in TABLES:
            t = table.name
            rows = f"okv_{t}" if f"okv_{t}" in cleaned else f"ok_{t}"
            con.execute(f"delete from raw.{t} where annee_scolaire = ?", [annee])
            con.execute(f"insert into raw.{t} by name select * from {rows}")
        con.execute("delete from raw.quarantaine where annee_scolaire = ?", [annee])
        con.execute(
            f"insert into raw.quarantaine by name select * from q_{load_id} "
            "order by table_bdc, ligne, colonne, motif"
        )
        con.execute("delete from raw.chargements where annee_scolaire = ?", [annee])
        for tl in loads:
            con.execute(
                "insert into raw.chargements values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    lines[tl.table],
                ],
            )
        con.execute("delete from raw.depots where annee_scolaire = ?", [annee])
        con.execute("insert into raw.depots values (?, ?, ?)", [annee, load_id, demo])
        _keys(con, secret)
        _commit(con)
    except Exception as exc:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # a failed commit has already ended the transaction
        if _disk_full(exc):
            raise _disk_full_error(con, annee) from exc
        raise
    _drop_temporaries(con)
    con.execute(f"drop table if exists q_{load_id}")
    return loads


def _drop_temporaries(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the working tables and views of a load (also those a failed load left)."""
    views = _temporary_views(con)
    for table in TABLES:
        t = table.name
        if f"okv_{t}" in views:
            con.execute(f"drop view okv_{t}")
        if f"src_{t}" in views:
            con.execute(f"drop view src_{t}")
        else:
            con.execute(f"drop table if exists src_{t}")
        for prefix in ("src0", "lu", "mu", "chk", "ok", "cells"):
            con.execute(f"drop table if exists {prefix}_{t}")


def _temporary_views(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0] for r in con.execute("select view_name from duckdb_views() where temporary").fetchall()
    }
