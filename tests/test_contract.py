"""The contract is described once, as data (contract/bdc_contract.yml, read by
alses/contract.py); everything else that repeats it is checked against it: the dbt
sources, the test fixture's headers, the contract's tables and required fields (its
prose, contract/export_format.md), the nomenclature fields of the seed. The repository
holds its own copies of the shared contract; they are compared with ../shared only when
that folder sits beside the clone."""

from __future__ import annotations

import csv
import re

import pytest

from alses.contract import (
    AGE_MAX,
    AGE_MIN,
    DBT_SOURCES,
    PERSONAL_COLUMNS,
    TABLES,
    TABLES_BY_NAME,
    ContractError,
    dbt_sources_text,
    load,
)
from alses.settings import ROOT
from tests.bdc_fixture import HEADERS

EXPORT_FORMAT = ROOT / "contract" / "export_format.md"
SHARED = ROOT.parent / "shared"
#: The repository's copies of the shared folder's files: (in the repository, in ../shared).
COPIES_OF_SHARED = [
    ("contract/export_format.md", "contract/export_format.md"),
    ("contract/indicators.md", "contract/indicators.md"),
    ("seeds/nomenclatures.csv", "contract/nomenclatures.csv"),
    ("seeds/published_figures.csv", "reference/published_figures.csv"),
]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared absent: the repository's copies rule")
@pytest.mark.parametrize(("copy", "original"), COPIES_OF_SHARED)
def test_the_copies_of_the_shared_folder_are_identical(copy, original):
    assert (ROOT / copy).read_bytes() == (SHARED / original).read_bytes(), (
        f"{copy} differs from ../shared/{original}: copy the new version into the repository"
    )


def test_dbt_sources_are_generated_from_the_contract():
    on_disk = (ROOT / DBT_SOURCES).read_text(encoding="utf-8")
    assert on_disk == dbt_sources_text(), "regenerate with: .venv/bin/python -m alses.contract"


def test_every_nomenclature_field_of_the_contract_is_in_the_seed():
    with open(ROOT / "seeds" / "nomenclatures.csv", encoding="utf-8", newline="") as f:
        fields = {row["field"] for row in csv.DictReader(f)}
    named = {c.nomenclature for t in TABLES for c in t.columns if c.kind == "code"}
    assert named <= fields, named - fields


@pytest.mark.parametrize(
    "column, message",
    [
        ("{name: x, type: code}", "nomenclature"),
        ("{name: x, type: ref, ref: [usagers]}", "décrite avant"),
        ("{name: x, type: integer}", "type « integer »"),
        ("{name: x, requird: true}", "requird"),
        ("{name: x, min: 0}", "min et max"),
    ],
)
def test_a_malformed_contract_is_refused(tmp_path, column, message):
    path = tmp_path / "c.yml"
    path.write_text(
        "version: 1\nworkbook: w.xlsx\nage_on_1_january: {min: 5, max: 30}\ntables:\n"
        f"  - {{name: structures, key: [x], columns: [{column}]}}\n"
        "  - {name: usagers, key: [u], columns: [{name: u}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContractError, match=re.escape(message)):
        load(path)


def test_the_documented_required_fields_and_ranges_match_the_contract():
    text = " ".join(EXPORT_FORMAT.read_text(encoding="utf-8").split())
    prose = text[text.index("Required fields:") : text.index("Every other field may be empty")]
    aliases = {
        "actions": ["actions_ponctuelles", "actions_collectives"],
        "participants": ["actions_participants"],
    }
    seen = set()
    for columns, table in re.findall(r"((?:`\w+`[^`(]*)+)\((\w+)", prose):
        names = aliases.get(table, [table])
        seen.update(names)
        required = {c.name for n in names for c in TABLES_BY_NAME[n].columns if c.required}
        assert set(re.findall(r"`(\w+)`", columns)) == required, table
    assert seen == set(TABLES_BY_NAME)
    duree = TABLES_BY_NAME["interventions"].column("duree_minutes")
    assert f"`duree_minutes` outside {duree.lo}–{duree.hi}" in text
    assert f"age below {AGE_MIN} or above {AGE_MAX} on 1 January" in text


def test_fixture_headers_are_the_contract_columns():
    for name, header in HEADERS.items():
        columns = TABLES_BY_NAME[name].column_names
        # the personal columns of a file are in the fixture but never read
        kept = [c for c in header if c in columns or c not in PERSONAL_COLUMNS]
        assert kept == columns, name
    mandatory = {t.name for t in TABLES if not t.optional_file}
    assert mandatory <= set(HEADERS)


def documented_tables() -> dict[str, list[tuple[str, str]]]:
    """The documented contract's column tables: {table: [(column, type cell), ...]}."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in EXPORT_FORMAT.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"### (\w+)\.csv", line):
            current = tables.setdefault(m.group(1), [])
        elif (
            current is not None and line.startswith("|") and not re.match(r"\|\s*(-|column)", line)
        ):
            cells = [c.strip() for c in line.strip("|").split("|")]
            for name in cells[0].split(","):
                current.append((name.strip(), cells[1]))
    return tables


def test_the_documented_tables_match_the_contract():
    documented = documented_tables()
    assert set(documented) == set(TABLES_BY_NAME)
    for name, rows in documented.items():
        table = TABLES_BY_NAME[name]
        names = {c.removesuffix(" (K)") for c, _ in rows}
        expected = set(table.column_names) | (PERSONAL_COLUMNS & names)
        if name == "actions_collectives":  # documented as the ponctuelles' columns plus these
            assert names <= expected, name
        else:
            assert names == expected, name
        for column, kind in rows:
            key = column.endswith(" (K)")
            column = column.removesuffix(" (K)")
            if column in PERSONAL_COLUMNS:
                continue
            col = table.column(column)
            assert key == (table.key == (column,)), (name, column)
            if m := re.search(r"nom\. `(\w+)`", kind):
                assert (col.kind, col.nomenclature) == ("code", m.group(1)), (name, column)
            if "→" in kind:
                refs = set(re.findall(r"\b(\w+)\b", kind.split("→")[1])) & set(TABLES_BY_NAME)
                assert col.kind == "ref" and set(col.ref) == refs, (name, column)
            assert col.multi == kind.startswith("multi"), (name, column)
            if kind == "date":
                assert col.kind == "date", (name, column)
