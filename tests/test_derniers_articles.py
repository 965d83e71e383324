"""The contract's last clauses: spaces and invisible characters in labels, « ligne
décalée », a workbook's wrong <dimension>, a NUL byte decided per line."""

from __future__ import annotations

import re
import unicodedata
import zipfile

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alses.contract import TABLES
from alses.extract import _code, _macros
from alses.reading import BdcFileError
from tests.bdc_fixture import tables, write_drop
from tests.conftest import NOMENCLATURES

#: Every Unicode space a label may hold in place of a space (category Zs, the tab).
SPACES = [" ", "\t", "\u00a0", "\u202f", "\u2007", "\u2009", "\u2003", "\u3000", "\u2002"]
#: Invisible format characters (category Cf): zero-width space, non-joiner, joiner, word
#: joiner, BOM, soft hyphen.
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]

CODED = sorted(
    {(c.nomenclature if c.kind == "code" else "yesno") for t in TABLES for c in t.columns} - {None}
)


def reference_norm(text: str) -> str:
    """The contract's matching rule, written independently of the SQL: invisible
    characters removed, runs of spaces one space, trimmed, accents and case ignored."""
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    spaced = "".join(" " if c.isspace() or unicodedata.category(c) == "Zs" else c for c in visible)
    bare = "".join(
        c for c in unicodedata.normalize("NFD", spaced) if unicodedata.category(c) != "Mn"
    )
    return re.sub(" +", " ", bare).strip().lower()


@pytest.fixture(scope="module")
def nomenclature():
    con = duckdb.connect()
    _macros(con, NOMENCLATURES)
    rows = con.execute("select field, code, label from nomenclature").fetchall()
    labels: dict[str, dict[str, str]] = {}
    for field, code, label in rows:
        labels.setdefault(field, {})[label] = code
    yield con, labels
    con.close()


def code_of(con, field: str, value: str) -> str | None:
    col = next(
        c
        for t in TABLES
        for c in t.columns
        if (c.nomenclature if c.kind == "code" else "yesno" if c.kind == "yesno" else None) == field
    )
    return con.execute(f"select {_code(col, '?')}", [value]).fetchone()[0]


def variant(draw, label: str) -> str:
    """`label` as a user may type it: any case, accents removed or added, every space any
    Unicode space or a run of them, invisible characters anywhere, spaces at the ends."""
    out = [draw(st.lists(st.sampled_from(SPACES), max_size=2))]
    for ch in unicodedata.normalize("NFC", label):
        if ch == " ":
            out.append(draw(st.lists(st.sampled_from(SPACES), min_size=1, max_size=3)))
            continue
        if ch.isalpha():
            ch = ch.upper() if draw(st.booleans()) else ch.lower()
            how = draw(st.sampled_from(["as is", "bare", "decomposed", "acute"]))
            base = unicodedata.normalize("NFD", ch)
            ch = {
                "as is": ch,
                "bare": base[0],
                "decomposed": base,
                "acute": base[0] + "\u0301",
            }[how]
        out.append([ch])
        out.append(draw(st.lists(st.sampled_from(INVISIBLES), max_size=1)))
    out.append(draw(st.lists(st.sampled_from(SPACES + INVISIBLES), max_size=2)))
    return "".join("".join(piece) for piece in out)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_every_variant_of_a_label_maps_to_its_code_and_nothing_else_does(nomenclature, data):
    con, labels = nomenclature
    field = data.draw(st.sampled_from(sorted(labels)))
    by_norm = {reference_norm(label): code for label, code in labels[field].items()}
    assert len(by_norm) == len(labels[field])  # no two labels of a field read alike
    label = data.draw(st.sampled_from(sorted(labels[field])))
    typed = data.draw(st.composite(lambda draw: variant(draw, label))())
    assert code_of(con, field, typed) == labels[field][label], repr(typed)
    # nothing else: a near miss (a letter changed, dropped or added) or any text maps to
    # a code only when it reads as another label of the field
    pos = data.draw(st.integers(0, len(typed)))
    letter = data.draw(st.sampled_from("aeéxz0-'"))
    how = data.draw(st.sampled_from(["drop", "add", "swap"]))
    near = {
        "drop": typed[:pos] + typed[pos + 1 :],
        "add": typed[:pos] + letter + typed[pos:],
        "swap": typed[:pos] + letter + typed[pos + 1 :],
    }[how]
    other = data.draw(st.text(alphabet="abcéèOUINon -'" + "".join(SPACES + INVISIBLES)))
    for text in (near, other):
        assert code_of(con, field, text) == by_norm.get(reference_norm(text)), repr(text)


def test_labels_and_multi_valued_pieces_with_unicode_spaces_load(tmp_path, con, load):
    data = tables()
    header, rows = data["situations"]
    rows[0][header.index("hebergement")] = "Domicile\u00a0familial"
    rows[0][header.index("ressources_familiales")] = "\u200bSalaire\u202f|\u2003RSA | \u00a0 |"
    header, rows = data["usagers"]
    rows[0][header.index("sexe")] = "f\u00e9\u200bminin"
    load(write_drop(tmp_path, data))
    assert con.execute(
        "select hebergement__code, ressources_familiales__codes from raw.situations "
        "where situation_id = 'SIT1'"
    ).fetchone() == ("PARENTS", "SALAIRE|RSA")
    assert (
        con.execute("select sexe__code from raw.usagers where usager_id = 'U1'").fetchone()[0]
        == "F"
    )
    assert con.execute("select count(*) from raw.quarantaine").fetchone() == (0,)


def test_a_shifted_row_is_set_aside_whole_without_any_value(tmp_path, con, load):
    """A stray `;` inside `nom` and the last field missing: the field count is right,
    the values sit one column to the right. Three or more unreadable fields: « ligne
    décalée », recorded before any other reason and without a value of the row."""
    data = tables()
    header, rows = data["usagers"]
    shifted = rows[0][:2] + ["Durand", "Dupont"] + rows[0][3:-1]  # nom "Durand;Dupont"
    assert len(shifted) == len(header)
    rows[0] = shifted
    # two unreadable fields only (a date and a label): the row is kept, both emptied
    rows[1][header.index("date_debut_accompagnement")] = "32/13/2021"
    rows[1][header.index("sexe")] = "Inconnu"
    load(write_drop(tmp_path, data))
    assert [r[0] for r in con.execute("select usager_id from raw.usagers").fetchall()] == ["U2"]
    quarantaine = con.execute(
        "select ligne, colonne, valeur, motif, traitement from raw.quarantaine "
        "where table_bdc = 'usagers' order by ligne, colonne"
    ).fetchall()
    ligne, colonne, valeur, motif, traitement = quarantaine[0]
    assert (ligne, colonne, traitement) == (2, "", "ligne écartée")  # as a malformed row
    assert motif.startswith("ligne décalée") and re.fullmatch(r"\d+ champs illisibles", valeur)
    assert int(valeur.split()[0]) >= 3
    assert [(q[0], q[1], q[4]) for q in quarantaine[1:]] == [
        (3, "date_debut_accompagnement", "valeur vidée"),
        (3, "sexe", "valeur vidée"),
    ]
    dump = str(con.execute("select * from raw.quarantaine").fetchall())
    for personal in ("Dupont", "Léa", "@lea", "15/03/2009", "1 rue A", "Féminin"):
        assert personal not in dump
    # the rows that referred to it follow it, with their own reason
    assert con.execute(
        "select count(*) from raw.quarantaine where table_bdc = 'situations' "
        "and motif like 'référence à une ligne non chargée%'"
    ).fetchone() == (1,)


def test_a_workbook_whose_sheets_declare_a_wrong_dimension_reads_whole(tmp_path, con, load):
    """Every sheet declares `<dimension ref="A1"/>` (valid for Excel and LibreOffice):
    the drop loads as the CSV drop does."""
    from tests.test_extract import _workbook

    drop = _workbook(tmp_path)
    path = drop / "bdc_export.xlsx"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, content in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            parts[name], n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>',
                                     content)  # fmt: skip
            assert n == 1
    with zipfile.ZipFile(path, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    load(drop)
    assert con.execute("select count(*) from raw.interventions").fetchone()[0] == 2
    assert con.execute(
        "select fichier_source, ligne, sexe__code from raw.usagers where usager_id = 'U2'"
    ).fetchone() == ("bdc_export.xlsx[usagers]", 3, "M")
    assert con.execute("select lignes_fichier from raw.chargements where table_bdc = 'usagers'"
                       ).fetchone() == (3,)  # fmt: skip
    assert con.execute("select count(*) from raw.quarantaine").fetchone() == (0,)


@pytest.mark.parametrize("padding", [0, 600])  # the NUL within the first 4 KB, then beyond
def test_a_nul_byte_is_decided_per_line_wherever_it_is(tmp_path, con, load, padding):
    data = tables()
    header, rows = data["interventions"]
    for n in range(padding):
        rows.append([f"IX{n}"] + rows[1][1:])
    drop = write_drop(tmp_path, data)
    path = drop / "interventions.csv"
    lines = path.read_bytes().split(b"\n")
    lines[-2] = lines[-2].replace(b"Atelier", b"Ate\x00lier")  # the last row
    path.write_bytes(b"\n".join(lines))
    assert (path.read_bytes().index(b"\x00") < 4096) == (padding == 0)
    load(drop)
    assert con.execute(
        "select ligne, motif from raw.quarantaine where table_bdc = 'interventions'"
    ).fetchall() == [
        (len(rows) + 1, "encodage illisible : caractère nul (octet 0x00) dans la ligne")
    ]
    assert con.execute("select count(*) from raw.interventions").fetchone() == (len(rows) - 1,)
    # in the header: the file cannot be read (UTF-16 without BOM looks like this)
    path.write_bytes("intervention_id".encode("utf-16-le") + b"\n" + b"\n".join(lines[1:]))
    with pytest.raises(BdcFileError, match=r"interventions\.csv : l'en-tête \(ligne 1\) contient"):
        load(drop)
