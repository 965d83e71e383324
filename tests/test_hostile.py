"""Hostile input (issue 14): each case fed through load_drop, the extraction's entry point.

Every test checks what is loaded, what the quarantine holds (lines, reason) and what
the user reads; none lets a personal value (nom, prenom, adresse, reseaux_sociaux, the
birth date of a malformed row) reach the warehouse.
"""

from __future__ import annotations

import codecs
import errno
import os
import signal
from contextlib import contextmanager
from pathlib import Path

import duckdb
import openpyxl
import pytest

from alses import extract
from alses.contract import TABLES
from alses.pseudonym import jeune_key
from alses.reading import BdcFileError
from tests.bdc_fixture import tables, write_drop
from tests.conftest import NOMENCLATURES

PERSONAL = ("Durand", "Léa", "1 rue A", "@lea", "Martin", "Tom", "2 rue B")
BIRTH_U1, BIRTH_U2 = "15/03/2009", "2008-07-01"  # raw keeps them for the rows it loads


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging."""

    def alarm(*_):
        raise TimeoutError(f"plus de {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def rejects(con, table):
    return con.execute(
        "select ligne, ligne_fin, colonne, valeur, motif, traitement from raw.quarantaine "
        "where table_bdc = ? order by ligne, colonne",
        [table],
    ).fetchall()


def ids(con, table="usagers", key="usager_id"):
    return [r[0] for r in con.execute(f"select {key} from raw.{table} order by 1").fetchall()]


def everything(con) -> str:
    """Every value of every table of the warehouse, as one text."""
    parts = []
    for schema, name in con.execute(
        "select schema_name, table_name from duckdb_tables() where not temporary"
    ).fetchall():
        parts.append(str(con.execute(f'select * from "{schema}"."{name}"').fetchall()))
    parts += [r[0] or "" for r in con.execute("select sql from duckdb_views()").fetchall()]
    return "\n".join(parts)


def assert_no_personal_value(con, values=PERSONAL):
    dump = everything(con)
    leaked = [v for v in values if v in dump]
    assert not leaked, leaked


def assert_accounted(con):
    for table, lues, chargees, ecartees in con.execute(
        "select table_bdc, lignes_lues, lignes_chargees, lignes_ecartees from raw.chargements"
    ).fetchall():
        stored = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
        aside = con.execute(
            "select count(*) from raw.quarantaine where table_bdc = ? "
            "and traitement = 'ligne écartée'",
            [table],
        ).fetchone()[0]
        assert lues == stored + aside == chargees + ecartees, table


def usagers_lines(data=None) -> list[str]:
    header, rows = (data or tables())["usagers"]
    return [";".join(header)] + [";".join(r) for r in rows]


def extra_usagers(n: int) -> list[list[str]]:
    return [
        [f"U{i}", "S1", f"Nom{i}", f"Prenom{i}", "01/01/2010", "Masculin", "Lille", "", "", "",
         "", "", "", "", "", ""]
        for i in range(3, 3 + n)
    ]  # fmt: skip


# --------------------------------------------------------------------- case 1


def test_quote_left_open_sets_the_spanned_lines_aside_whole(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][6] = '"Lille'  # opening quote never closed on its line
    data["usagers"][1][1][6] = '"Douai"'
    data["usagers"][1].extend(extra_usagers(1))  # U3, after the damage
    load(write_drop(tmp_path, data))
    (row,) = [r for r in rejects(con, "usagers")]
    assert row[:4] == (2, 3, "", "lignes 2 à 3")
    assert row[4].startswith("ligne mal formée : guillemet ouvert") and row[5] == "ligne écartée"
    assert ids(con) == ["U3"]  # U2 did not vanish: it is inside the set-aside record
    assert_no_personal_value(con, PERSONAL + (BIRTH_U1, BIRTH_U2))
    assert_accounted(con)


# --------------------------------------------------------------------- case 2


def test_quote_opened_in_the_last_column_swallows_to_the_end_visibly(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][8] = '"@lea'
    data["usagers"][1].extend(extra_usagers(4))  # lines 4 to 7
    load(write_drop(tmp_path, data))
    assert [r[:4] for r in rejects(con, "usagers")] == [(2, 7, "", "lignes 2 à 7")]
    assert ids(con) == []
    lues, lignes = con.execute(
        "select lignes_lues, lignes_fichier from raw.chargements where table_bdc = 'usagers'"
    ).fetchone()
    assert (lues, lignes) == (1, 7)  # one record, spanning the six data lines
    assert_no_personal_value(con, PERSONAL + ("Nom5", "Prenom6", BIRTH_U1, BIRTH_U2))
    assert_accounted(con)


# --------------------------------------------------------------------- case 4


def test_one_bad_byte_sets_its_line_aside_and_keeps_the_file_utf8(tmp_path, con, load):
    drop = write_drop(tmp_path)
    lines = [s.encode() for s in usagers_lines()]
    lines[2] = lines[2].replace(b"Douai", b"Dou\xe0i")  # one Windows-1252 byte, line 3
    (drop / "usagers.csv").write_bytes(b"\n".join(lines) + b"\n")
    load(drop)
    assert con.execute(
        "select encodage from raw.chargements where table_bdc = 'usagers'"
    ).fetchone() == ("utf-8",)
    assert con.execute("select sexe, commune_residence from raw.usagers").fetchall() == [
        ("Féminin", "Lille")
    ]
    (row,) = rejects(con, "usagers")
    assert row[:2] == (3, 3) and row[4].startswith("encodage illisible") and row[3] is None
    assert_no_personal_value(con, PERSONAL + (BIRTH_U2,))
    assert_accounted(con)


def test_bom_then_windows_1252_sets_the_undecodable_lines_aside(tmp_path, con, load):
    data = tables()
    data["usagers"][1][1][12] = ""  # U2 without « Santé »: plain ASCII
    drop = write_drop(tmp_path, data)
    text = "\n".join(usagers_lines(data)) + "\n"
    (drop / "usagers.csv").write_bytes(codecs.BOM_UTF8 + text.encode("cp1252"))
    load(drop)  # no bare UnicodeDecodeError
    assert [(r[0], r[4][:18]) for r in rejects(con, "usagers")] == [
        (2, "encodage illisible")  # U1 holds « Féminin », « Léa »; U2 is plain ASCII
    ]
    assert ids(con) == ["U2"]
    assert_no_personal_value(con, PERSONAL + (BIRTH_U1,))


# --------------------------------------------------------------------- case 6


def test_stray_separator_in_nom_records_no_personal_value(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][2] = "Du;rand"
    load(write_drop(tmp_path, data))
    assert [r[:5] for r in rejects(con, "usagers")] == [
        (2, 2, "", "17 champs", "ligne mal formée : nombre de champs différent de l'en-tête")
    ]
    assert_no_personal_value(con, PERSONAL + ("Du", "rand", BIRTH_U1))
    assert ids(con) == ["U2"]


def test_short_row_keeps_no_birth_date_in_the_quarantine(tmp_path, con, load):
    data = tables()
    del data["usagers"][1][0][3]  # prenom missing: every later value shifted left
    load(write_drop(tmp_path, data))
    assert [r[3] for r in rejects(con, "usagers")] == ["15 champs"]
    assert "15/03/2009" not in everything(con)


# --------------------------------------------------------------------- case 7


def test_a_row_over_the_line_limit_is_a_clean_error(tmp_path, load):
    drop = write_drop(tmp_path)
    lines = usagers_lines()
    lines[2] = lines[2].replace("Douai", "D" * (2 << 20))
    (drop / "usagers.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(BdcFileError, match=r"usagers\.csv, ligne 3 : ligne de plus de 1024 Ko"):
        load(drop)


def test_a_folder_named_like_a_file_is_a_clean_error(tmp_path, load):
    drop = write_drop(tmp_path)
    (drop / "usagers.csv").unlink()
    (drop / "usagers.csv").mkdir()
    with pytest.raises(
        BdcFileError, match=r"usagers\.csv : ce n'est pas un fichier mais un dossier"
    ):
        load(drop)


def test_a_link_to_dev_zero_is_refused_at_once(tmp_path, load):
    drop = write_drop(tmp_path)
    (drop / "situations.csv").unlink()
    (drop / "situations.csv").symlink_to("/dev/zero")
    with deadline(20), pytest.raises(BdcFileError, match=r"situations\.csv : .*périphérique"):
        load(drop)


def test_a_fifo_does_not_block(tmp_path, load):
    drop = write_drop(tmp_path)
    (drop / "colleges.csv").unlink()
    os.mkfifo(drop / "colleges.csv")
    with deadline(20), pytest.raises(BdcFileError, match=r"colleges\.csv : .*tube"):
        load(drop)


# --------------------------------------------------------------------- case 8


def test_two_files_for_one_table_make_the_year_unreadable(tmp_path, con, load):
    drop = write_drop(tmp_path)
    (drop / "Usagers.csv").write_bytes((drop / "usagers.csv").read_bytes())
    with pytest.raises(BdcFileError, match=r"Usagers\.csv et usagers\.csv désignent tous"):
        load(drop)
    assert con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw'"
    ).fetchone() == (0,)


def test_upper_case_file_name_is_read(tmp_path, con, load):
    drop = write_drop(tmp_path)
    (drop / "usagers.csv").rename(drop / "USAGERS.CSV")
    load(drop)
    assert ids(con) == ["U1", "U2"]
    assert con.execute("select distinct fichier_source from raw.usagers").fetchall() == [
        ("USAGERS.CSV",)
    ]


def _workbook(drop: Path, edit=None) -> Path:
    drop.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in tables().items():
        ws = wb.create_sheet(name)
        ws.append(header)
        for r in rows:
            ws.append(r)
    if edit:
        edit(wb)
    wb.save(drop / "bdc_export.xlsx")
    return drop


def test_formula_without_cached_value_is_an_unreadable_value(tmp_path, con, load):
    def edit(wb):
        wb["usagers"]["F2"] = '="Fém"&"inin"'  # sexe of U1: optional → emptied
        wb["interventions"]["D3"] = "=DATE(2022,3,3)"  # date of I2: required → set aside

    load(_workbook(tmp_path / "2021-2022", edit))
    q = con.execute(
        "select table_bdc, ligne, colonne, valeur, motif, traitement from raw.quarantaine "
        "order by table_bdc"
    ).fetchall()
    assert q == [
        (
            "interventions", 3, "", "date_intervention",
            "valeur illisible : formule sans valeur calculée dans le classeur", "ligne écartée",
        ),
        (
            "usagers", 2, "sexe", None,
            "valeur illisible : formule sans valeur calculée dans le classeur", "valeur vidée",
        ),
    ]  # fmt: skip
    assert ids(con, "interventions", "intervention_id") == ["I1"]
    assert_accounted(con)


def test_workbook_beside_a_lisezmoi_csv_is_read(tmp_path, con, load):
    drop = _workbook(tmp_path / "2021-2022")
    (drop / "lisezmoi.csv").write_text("note;texte\n1;export du 1er septembre\n")
    load(drop)
    assert ids(con) == ["U1", "U2"]
    assert con.execute(
        "select fichier, motif, traitement from raw.quarantaine where table_bdc is null"
    ).fetchall() == [
        (
            "lisezmoi.csv",
            "fichier ou dossier qui ne désigne aucune table du contrat : ignoré",
            "fichier ignoré",
        )
    ]


def test_action_id_in_both_action_files_is_a_duplicate_key(tmp_path, con, load):
    drop = write_drop(tmp_path)
    (drop / "actions_ponctuelles.csv").write_text(
        "action_id;structure_id;date_action\nA1;S1;01/10/2021\nA2;S1;02/10/2021\n"
    )
    (drop / "actions_collectives.csv").write_text(
        "action_id;structure_id;date_debut\nA1;S2;05/10/2021\nA3;S2;06/10/2021\n"
    )
    load(drop)
    for table in ("actions_ponctuelles", "actions_collectives"):
        (row,) = [r for r in rejects(con, table) if r[5] == "ligne écartée"]
        assert row[:4] == (2, 2, "action_id", "A1")
        assert row[4].startswith("clé en double : action_id présent aussi dans")
    assert ids(con, "actions_ponctuelles", "action_id") == ["A2"]
    assert ids(con, "actions_collectives", "action_id") == ["A3"]
    assert_accounted(con)


# --------------------------------------------------------------------- case 9


def test_disk_full_at_the_commit_keeps_the_previous_year(tmp_path, con, load, monkeypatch):
    drop = write_drop(tmp_path)
    load(drop)
    before = {t.name: con.execute(f"select * from raw.{t.name} order by all").fetchall()
              for t in TABLES}  # fmt: skip
    data = tables()
    data["usagers"][1][1][6] = "Roubaix"
    write_drop(tmp_path, data)

    def full(con):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(extract, "_commit", full)
    with pytest.raises(extract.DiskFullError, match="disque plein") as err:
        load(drop)
    assert "cannot rollback" not in str(err.value)
    after = {t.name: con.execute(f"select * from raw.{t.name} order by all").fetchall()
             for t in TABLES}  # fmt: skip
    assert after == before


def test_utf16_file_says_utf16(tmp_path, load):
    drop = write_drop(tmp_path)
    text = "\n".join(usagers_lines()) + "\n"
    (drop / "usagers.csv").write_bytes(text.encode("utf-16"))
    with pytest.raises(BdcFileError, match=r"usagers\.csv : fichier encodé en UTF-16"):
        load(drop)
    (drop / "usagers.csv").write_bytes(text.encode("utf-16-le"))  # no BOM
    with pytest.raises(BdcFileError, match=r"usagers\.csv : .*UTF-16"):
        load(drop)


def test_title_line_with_commas_is_not_called_a_separator_problem(tmp_path, load):
    drop = write_drop(tmp_path)
    lines = ["Export BDC, usagers, 2021-2022", *usagers_lines()]
    (drop / "usagers.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(BdcFileError) as err:
        load(drop)
    message = str(err.value)
    assert message.startswith("usagers.csv, ligne 1 : la première ligne n'est pas l'en-tête")
    assert "ligne 2" in message and "séparateur" not in message


def test_invisible_characters_in_header_names_are_ignored(tmp_path, con, load):
    drop = write_drop(tmp_path)
    lines = usagers_lines()
    lines[0] = (
        lines[0]
        .replace("usager_id", "\ufeffusager\u200b_id")
        .replace("structure_id", " Structure_ID\u00a0")
    )
    (drop / "usagers.csv").write_text("\n".join(lines) + "\n")
    load(drop)
    assert ids(con) == ["U1", "U2"]


def test_trailing_separator_on_every_row_loads_the_year(tmp_path, con, load):
    drop = write_drop(tmp_path)
    for path in drop.iterdir():
        lines = path.read_text().splitlines()
        path.write_text("".join(line + ";\n" for line in lines))
    load(drop)
    assert ids(con) == ["U1", "U2"]
    assert ids(con, "interventions", "intervention_id") == ["I1", "I2"]
    assert con.execute("select count(*) from raw.quarantaine").fetchone() == (0,)


def test_early_open_quote_gives_no_english_field_limit_error(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][0] = '"U1'
    data["usagers"][1].extend(extra_usagers(3))
    drop = write_drop(tmp_path, data)
    with (drop / "usagers.csv").open("a") as fh:  # 300 KB more inside the open quote
        for i in range(3000):
            fh.write(f"U{i + 10};S1;N;P;;;Lille;{'x' * 80};;;;;;;;\n")
    load(drop)
    (row,) = rejects(con, "usagers")
    assert row[:2] == (2, 3006) and row[4].startswith("ligne mal formée")


# --------------------------------------------------------------------- secret


def test_keys_are_hmac_of_the_usager_id_and_the_secret_is_not_stored(tmp_path):
    secret = "un-secret-de-test-7f3a9c"
    warehouse = tmp_path / "w2.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        extract.load_drop(con, write_drop(tmp_path), NOMENCLATURES, secret=secret)
        keys = dict(con.execute("select * from raw.cles_jeunes").fetchall())
        assert keys == {u: jeune_key(secret, u) for u in ("U1", "U2")}
        con.execute("checkpoint")
    assert secret.encode() not in warehouse.read_bytes()
