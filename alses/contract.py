"""The BDC export contract, version 1 (see docs/contrat_bdc.md), read from its one
description as data: contract/bdc_contract.yml.

That file describes every table of a drop: its file, key, columns, types, required
fields, references, nomenclature fields, multi-valued fields and ranges. This module
turns it into typed objects (TABLES, TABLES_BY_NAME); extraction and the demo
generator read those, the dbt sources are generated from them (`python -m
alses.contract`) and tests/test_contract.py checks everything else against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

Kind = Literal["text", "date", "int", "yesno", "code", "ref"]

#: The one description of the contract, beside this package in the repository.
CONTRACT_FILE = Path(__file__).resolve().parents[1] / "contract" / "bdc_contract.yml"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False
    multi: bool = False
    nomenclature: str | None = None  # for kind == "code"
    ref: tuple[str, ...] = ()  # referenced tables, for kind == "ref"
    lo: int | None = None  # range of an int
    hi: int | None = None
    pattern: str | None = None  # regex a text value must match


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    optional_file: bool = False
    #: required date that must fall inside the school year
    in_year_date: str | None = None
    personal: frozenset[str] = field(default_factory=frozenset)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


class ContractError(ValueError):
    """The contract file is malformed; the message names the file and the place."""


def _fail(where: str, what: str) -> ContractError:
    return ContractError(f"{CONTRACT_FILE.name}, {where} : {what}")


def _keys(entry: Any, allowed: set[str], where: str) -> dict:
    if not isinstance(entry, dict):
        raise _fail(where, "une table ou une colonne s'écrit comme un dictionnaire")
    if unknown := set(entry) - allowed:
        raise _fail(where, f"clé(s) inconnue(s) {sorted(unknown)} ; permises : {sorted(allowed)}")
    return entry


_COLUMN_KEYS = {"name", "type", "required", "multi", "nomenclature", "ref", "min", "max", "pattern"}
_TABLE_KEYS = {"name", "key", "columns", "optional_file", "in_year_date", "personal"}


def _column(entry: Any, where: str) -> Column:
    e = _keys(entry, _COLUMN_KEYS, where)
    kind = e.get("type", "text")
    if kind not in get_args(Kind):
        raise _fail(where, f"type « {kind} » inconnu ; permis : {list(get_args(Kind))}")
    if (kind == "code") != ("nomenclature" in e):
        raise _fail(where, "une colonne de type code, et elle seule, nomme sa nomenclature")
    if (kind == "ref") != bool(e.get("ref")):
        raise _fail(where, "une colonne de type ref, et elle seule, nomme ses tables (ref)")
    if ("min" in e or "max" in e) and kind != "int":
        raise _fail(where, "min et max ne bornent qu'une colonne de type int")
    return Column(
        e["name"],
        kind,
        required=bool(e.get("required", False)),
        multi=bool(e.get("multi", False)),
        nomenclature=e.get("nomenclature"),
        ref=tuple(e.get("ref", ())),
        lo=e.get("min"),
        hi=e.get("max"),
        pattern=e.get("pattern"),
    )


def _columns(entries: list, sets: dict[str, list], where: str) -> tuple[Column, ...]:
    columns: list[Column] = []
    for i, entry in enumerate(entries, 1):
        if isinstance(entry, dict) and set(entry) == {"include"}:
            if entry["include"] not in sets:
                raise _fail(where, f"column_sets.{entry['include']} n'existe pas")
            columns += _columns(sets[entry["include"]], {}, f"column_sets.{entry['include']}")
        else:
            columns.append(_column(entry, f"{where}, colonne {i}"))
    return tuple(columns)


def load(path: Path = CONTRACT_FILE) -> dict[str, Any]:
    """Read and check the contract file: {'tables': (Table, ...), 'workbook': ...,
    'age_min': ..., 'age_max': ...}. A malformed file raises ContractError."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    _keys(doc, {"version", "workbook", "age_on_1_january", "column_sets", "tables"}, "racine")
    if doc.get("version") != 1:
        raise _fail("version", "seule la version 1 du contrat est connue")
    sets = doc.get("column_sets") or {}
    tables: list[Table] = []
    for entry in doc["tables"]:
        e = _keys(entry, _TABLE_KEYS, f"table {entry.get('name')}")
        where = f"table {e['name']}"
        table = Table(
            e["name"],
            tuple(e["key"]),
            _columns(e["columns"], sets, where),
            optional_file=bool(e.get("optional_file", False)),
            in_year_date=e.get("in_year_date"),
            personal=frozenset(e.get("personal", ())),
        )
        names = table.column_names
        if len(set(names)) != len(names):
            raise _fail(where, "une colonne est décrite deux fois")
        for name in (*table.key, *filter(None, [table.in_year_date])):
            if name not in names:
                raise _fail(where, f"« {name} » n'est pas une colonne de la table")
        if table.in_year_date and table.column(table.in_year_date).kind != "date":
            raise _fail(where, f"in_year_date « {table.in_year_date} » n'est pas une date")
        known = {t.name for t in tables}
        for c in table.columns:
            if missing := set(c.ref) - known:
                raise _fail(
                    where, f"{c.name} renvoie à {sorted(missing)}, qui doit être décrite avant"
                )
        tables.append(table)
    ages = _keys(doc["age_on_1_january"], {"min", "max"}, "age_on_1_january")
    return {
        "tables": tuple(tables),
        "workbook": doc["workbook"],
        "age_min": ages["min"],
        "age_max": ages["max"],
    }


_CONTRACT = load()

#: In dependency order: a table only refers to tables listed before it.
TABLES: tuple[Table, ...] = _CONTRACT["tables"]

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: Columns that identify a minor: never read past the CSV parser, never written.
PERSONAL_COLUMNS: frozenset[str] = frozenset().union(*(t.personal for t in TABLES))

#: The workbook form of a drop: one sheet per table, named like the CSV without `.csv`.
WORKBOOK_NAME: str = _CONTRACT["workbook"]

#: Age bounds on 1 January outside which `date_naissance` is emptied.
AGE_MIN: int = _CONTRACT["age_min"]
AGE_MAX: int = _CONTRACT["age_max"]

#: The birth date, whose age on 1 January the extraction checks and writes.
BIRTH_DATE = "date_naissance"


def derived_columns(table: Table) -> list[tuple[str, str, Column]]:
    """The validated values the extraction writes beside each raw value, read as is by
    staging (docs/regles.md): (column name, SQL type, raw column).

    - a date → `<col>__date` (date);
    - a nomenclature label, or Oui / Non → `<col>__code` (its code, `OUI` / `NON`);
      a multi-valued one → `<col>__codes` (the codes of its items, `|`-separated);
    - the birth date, also → `<col>__age` (age on 1 January of the school year).
    """
    out: list[tuple[str, str, Column]] = []
    for c in table.columns:
        if c.kind == "date":
            out.append((f"{c.name}__date", "date", c))
        elif c.kind in ("code", "yesno"):
            out.append((f"{c.name}__codes" if c.multi else f"{c.name}__code", "varchar", c))
        if c.name == BIRTH_DATE:
            out.append((f"{c.name}__age", "integer", c))
    return out


def school_year_bounds(annee_scolaire: str) -> tuple[str, str]:
    """`2021-2022` → ('2021-09-01', '2022-08-31'), inclusive."""
    start, end = parse_school_year(annee_scolaire)
    return f"{start}-09-01", f"{end}-08-31"


def parse_school_year(annee_scolaire: str) -> tuple[int, int]:
    parts = annee_scolaire.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        raise ValueError(
            f"« {annee_scolaire} » n'est pas une année scolaire : le dossier d'un dépôt "
            "doit être nommé comme `2021-2022`."
        )
    start, end = int(parts[0]), int(parts[1])
    if end != start + 1:
        raise ValueError(
            f"« {annee_scolaire} » n'est pas une année scolaire : la seconde année doit "
            "suivre la première (`2021-2022`)."
        )
    return start, end


def annee_decalee(annee_scolaire: str, k: int) -> str:
    """The school year `k` years after `annee_scolaire` (before it when k < 0)."""
    debut = int(annee_scolaire[:4]) + k
    return f"{debut}-{debut + 1}"


_DERIVED_DESCRIPTION = {
    "date": "Date lue par l'extraction (JJ/MM/AAAA ou AAAA-MM-JJ) ; vide si la valeur est vide "
    "ou a été vidée.",
    "code": "Code de nomenclature du libellé (casse, accents et espaces ignorés ; Oui / Non : "
    "OUI / NON), écrit par l'extraction ; vide si le libellé est vide ou a été vidé.",
    "codes": "Codes de nomenclature des éléments gardés, séparés par |, dans l'ordre du "
    "fichier, écrits par l'extraction.",
    "age": "Âge au 1er janvier de l'année scolaire (années révolues), calculé par "
    "l'extraction avec la date validée ; vide si la date est vide ou a été vidée.",
}

#: Where the dbt sources of the raw tables are written (generated: python -m alses.contract).
DBT_SOURCES = "models/staging/bdc/_bdc__sources.yml"


def dbt_sources() -> dict:
    """The dbt sources of schema `raw`, derived from TABLES, each table's checks in ONE
    dbt test node (`controles`, dbt_project/macros/generic_tests.sql: every node costs
    dbt ≈0.1–0.3 s in every build): a single key column not null, a unique key per
    year, and the code written beside every nomenclature label (`codes`: a label kept
    has its code, every code is of the nomenclature). tests/test_contract.py fails when
    the file and the contract differ."""
    tables = []
    for t in TABLES:
        columns = []
        codes: dict = {}
        for name, _, c in derived_columns(t):
            columns.append({"name": name, "description": _DERIVED_DESCRIPTION[name.split("__")[1]]})
            if c.kind == "code":
                codes[name] = {"label": c.name, "field": c.nomenclature}
                if c.multi:
                    codes[name]["multi"] = True
        entry: dict = {
            "name": t.name,
            "description": (
                f"Fichier {t.file_name} de chaque dépôt, une année scolaire par annee_scolaire."
            ),
            "meta": {"dagster": {"asset_key": ["raw", t.name]}},
        }
        if columns:
            entry["columns"] = columns
        controles: dict = {}
        if len(t.key) == 1:
            controles["non_nulles"] = list(t.key)
        controles["cles"] = [["annee_scolaire", *t.key]]
        if codes:
            controles["codes"] = codes
        entry["data_tests"] = [{"controles": {"arguments": controles}}]
        tables.append(entry)
    # The extraction's own tables (not files of the drop).
    for name, description, controles in (
        (
            "quarantaine",
            "Rejets de l'extraction : ligne écartée, valeur vidée, colonne ignorée ou absente.",
            {},
        ),
        (
            "cles_jeunes",
            "Clé pseudonyme de chaque usager_id chargé (toutes années) : HMAC-SHA256 à clé "
            "secrète, calculée à l'extraction ; le secret n'est écrit nulle part.",
            {"non_nulles": ["usager_id_bdc"], "uniques": ["usager_id_bdc"]},
        ),
        (
            "chargements",
            "Comptes de lignes lues, chargées, écartées par fichier et par année.",
            {},
        ),
    ):
        entry = {
            "name": name,
            "description": description,
            "meta": {"dagster": {"asset_key": ["raw", name]}},
        }
        if controles:
            entry["data_tests"] = [{"controles": {"arguments": controles}}]
        tables.append(entry)
    return {
        "version": 2,
        "sources": [
            {
                "name": "bdc",
                "description": (
                    "Tables brutes du dépôt BDC, chargées par l'extraction (schéma raw). Une "
                    "ligne par ligne de fichier chargée ; les rejets sont dans quarantaine."
                ),
                "schema": "raw",
                "tables": tables,
            }
        ],
    }


class _SourcesDumper(yaml.SafeDumper):
    """Lists of names on one line (`cles: [[annee_scolaire, structure_id]]`), as in the
    hand-written yml; everything else in block style."""

    def represent_list(self, data: list) -> yaml.Node:
        flow = all(isinstance(x, str) for x in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_SourcesDumper.add_representer(list, _SourcesDumper.represent_list)


def dbt_sources_text() -> str:
    """The text of the generated sources file, as written by `python -m alses.contract`."""
    text = yaml.dump(
        dbt_sources(), Dumper=_SourcesDumper, allow_unicode=True, sort_keys=False, width=100
    )
    return (
        "# Generated from contract/bdc_contract.yml by alses/contract.py: "
        "python -m alses.contract\n" + text
    )


if __name__ == "__main__":  # regenerate the dbt sources from the contract
    path = Path(__file__).resolve().parents[1] / DBT_SOURCES
    path.write_text(dbt_sources_text(), encoding="utf-8")
    print(path)
