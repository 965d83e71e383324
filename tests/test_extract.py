"""Malformed BDC input: each case gives its error or quarantine reason, nothing lost."""

from __future__ import annotations

import codecs
from pathlib import Path

import openpyxl
import pytest

from alses.contract import TABLES
from alses.reading import BdcFileError
from tests.bdc_fixture import tables, write_drop


def quarantine(con, table=None):
    sql = "select table_bdc, ligne, colonne, valeur, motif, traitement from raw.quarantaine"
    if table:
        sql += f" where table_bdc = '{table}'"
    return con.execute(sql + " order by ligne, colonne").fetchall()


def accounting_holds(con):
    rows = con.execute(
        """select c.table_bdc, c.lignes_lues,
                  (select count(*) from raw.quarantaine q where q.table_bdc = c.table_bdc
                     and q.annee_scolaire = c.annee_scolaire and q.traitement = 'ligne écartée'),
                  c.lignes_chargees
           from raw.chargements c"""
    ).fetchall()
    for table, lues, ecartees, chargees in rows:
        stored = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
        assert lues == stored + ecartees == chargees + ecartees, table
    return True


def test_valid_drop_loads_everything(tmp_path, con, load):
    load(write_drop(tmp_path))
    assert con.execute("select count(*) from raw.usagers").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.interventions").fetchone()[0] == 2
    assert quarantine(con) == []
    assert accounting_holds(con)
    row = con.execute(
        "select annee_scolaire, fichier_source, ligne, load_id from raw.usagers "
        "where usager_id = 'U2'"
    ).fetchone()
    assert row[:3] == ("2021-2022", "usagers.csv", 3) and len(row[3]) == 16


def test_personal_columns_never_reach_the_warehouse(tmp_path, con, load):
    load(write_drop(tmp_path))
    cols = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw'"
        ).fetchall()
    }
    assert not cols & {"nom_usager", "prenom", "adresse", "reseaux_sociaux"}
    assert "nom" not in {r[0] for r in con.execute("describe raw.usagers").fetchall()}
    dump = str(con.execute("select * from raw.usagers").fetchall())
    assert "Durand" not in dump and "@lea" not in dump and "1 rue A" not in dump


def test_windows_1252_is_detected(tmp_path, con, load):
    load(write_drop(tmp_path, encoding="cp1252"))
    assert (
        con.execute("select encodage from raw.chargements where table_bdc = 'usagers'").fetchone()[
            0
        ]
        == "cp1252"
    )
    assert (
        con.execute("select sexe from raw.usagers where usager_id = 'U1'").fetchone()[0]
        == "Féminin"
    )
    assert quarantine(con) == []


def test_utf8_bom_is_detected(tmp_path, con, load):
    drop = write_drop(tmp_path)
    path = drop / "usagers.csv"
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    load(drop)
    assert con.execute("select count(*) from raw.usagers").fetchone()[0] == 2
    assert quarantine(con) == []


def test_comma_separator_fails_the_file(tmp_path, load):
    data = tables()
    drop = write_drop(tmp_path, data)
    header, rows = data["structures"]
    (drop / "structures.csv").write_text(",".join(header) + "\nS1,Club,Lille\n")
    with pytest.raises(BdcFileError, match=r"structures\.csv.*séparateur"):
        load(drop)


def test_missing_required_column_fails_the_file(tmp_path, load):
    data = tables()
    header, rows = data["interventions"]
    i = header.index("poste_id")
    data["interventions"] = (header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])
    with pytest.raises(BdcFileError, match=r"interventions\.csv.*obligatoire absente : poste_id"):
        load(write_drop(tmp_path, data))


def test_absent_optional_column_is_reported_and_read_empty(tmp_path, con, load):
    data = tables()
    header, rows = data["usagers"]
    i = header.index("sexe")
    data["usagers"] = (header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])
    load(write_drop(tmp_path, data))
    assert (
        "usagers",
        1,
        "sexe",
        None,
        "colonne facultative absente du fichier : lue comme non renseignée",
        "colonne absente",
    ) in quarantine(con)
    assert con.execute("select count(sexe) from raw.usagers").fetchone()[0] == 0


def test_unknown_extra_column_is_reported_and_ignored(tmp_path, con, load):
    data = tables()
    header, rows = data["structures"]
    data["structures"] = (header + ["Commentaire"], [r + ["x"] for r in rows])
    load(write_drop(tmp_path, data))
    assert quarantine(con) == [
        (
            "structures",
            1,
            "Commentaire",
            None,
            "colonne inconnue du contrat : ignorée",
            "colonne ignorée",
        )
    ]
    assert con.execute("select count(*) from raw.structures").fetchone()[0] == 2


def test_duplicate_key_sets_every_occurrence_aside(tmp_path, con, load):
    data = tables()
    data["interventions"][1][1][0] = "I1"
    load(write_drop(tmp_path, data))
    q = quarantine(con, "interventions")
    assert [(r[1], r[4][:13]) for r in q] == [(2, "clé en double"), (3, "clé en double")]
    assert con.execute("select count(*) from raw.interventions").fetchone()[0] == 0
    assert accounting_holds(con)


def test_unknown_label_in_optional_field_is_emptied(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][5] = "Fille"
    load(write_drop(tmp_path, data))
    assert quarantine(con) == [
        (
            "usagers",
            2,
            "sexe",
            "Fille",
            "libellé inconnu de la nomenclature « sexe »",
            "valeur vidée",
        )
    ]
    assert con.execute("select sexe from raw.usagers where usager_id='U1'").fetchone() == (None,)


def test_code_instead_of_label_in_required_field_sets_row_aside(tmp_path, con, load):
    data = tables()
    data["structures"][1][1][2] = "DOU"  # the code, not the label Douai
    load(write_drop(tmp_path, data))
    q = quarantine(con)
    assert quarantine(con, "structures")[0][:5] == (
        "structures",
        3,
        "territoire",
        "DOU",
        "champ obligatoire invalide : libellé inconnu de la nomenclature « territoire »",
    )
    # cascade in dependency order: S2 → P2, U2 → SIT2, I2 (each for its own reason)
    assert {(r[0], r[4]) for r in q if r[0] != "structures"} == {
        ("postes", "référence à une ligne non chargée de structures"),
        ("usagers", "référence à une ligne non chargée de structures"),
        ("affectations", "référence à une ligne non chargée de postes"),
        ("situations", "référence à une ligne non chargée de usagers"),
        ("interventions", "référence à une ligne non chargée de usagers"),
    }
    assert accounting_holds(con)


def test_labels_match_whatever_the_case_accents_and_spaces(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][5] = "  FEMININ "
    data["usagers"][1][0][12] = "scolarite"
    data["interventions"][1][0][6] = "Etablissement   scolaire"
    load(write_drop(tmp_path, data))
    assert quarantine(con) == []


def test_validated_codes_are_written_beside_the_labels(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][5] = "  FEMININ "
    data["interventions"][1][0][6] = "Etablissement   scolaire"
    load(write_drop(tmp_path, data))
    assert con.execute(
        "select usager_id, sexe, sexe__code from raw.usagers order by usager_id"
    ).fetchall() == [("U1", "FEMININ", "F"), ("U2", "Masculin", "M")]
    assert con.execute(
        "select lieu__code, jeune_present__code from raw.interventions order by intervention_id"
    ).fetchall() == [("ETAB", "OUI"), ("DOMICILE", "NON")]


def test_dates_and_age_on_1_january_are_written_beside_the_raw_values(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][4] = "01/01/2010"  # 12 on 1 January 2022
    data["usagers"][1][1][4] = "2010-01-02"  # 11 on 1 January 2022
    data["usagers"][1][1][9] = "1/9/2021"
    load(write_drop(tmp_path, data))
    import datetime as dt

    assert con.execute(
        "select date_naissance__date, date_naissance__age, date_debut_accompagnement__date "
        "from raw.usagers order by usager_id"
    ).fetchall() == [
        (dt.date(2010, 1, 1), 12, dt.date(2021, 10, 10)),
        (dt.date(2010, 1, 2), 11, dt.date(2021, 9, 1)),
    ]


def test_emptied_values_have_no_validated_value(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][4] = "01/06/2019"  # out of the age bounds: emptied
    data["usagers"][1][0][5] = "Inconnu"  # unknown label: emptied
    load(write_drop(tmp_path, data))
    assert con.execute(
        "select date_naissance, date_naissance__date, date_naissance__age, sexe, sexe__code "
        "from raw.usagers where usager_id = 'U1'"
    ).fetchone() == (None, None, None, None, None)


def test_bad_date_in_optional_field_is_emptied(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][4] = "31/02/2009"
    load(write_drop(tmp_path, data))
    assert [r[2:] for r in quarantine(con)] == [
        (
            "date_naissance",
            "31/02/2009",
            "date illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)",
            "valeur vidée",
        )
    ]


def test_age_out_of_range_is_emptied(tmp_path, con, load):
    data = tables()
    data["usagers"][1][0][4] = "01/06/2019"  # 2 years old on 1 January 2022
    load(write_drop(tmp_path, data))
    assert quarantine(con)[0][2:5] == (
        "date_naissance",
        "01/06/2019",
        "âge au 1er janvier 2022 hors de 5 à 30 ans",
    )


def test_date_outside_the_school_year_sets_intervention_aside(tmp_path, con, load):
    data = tables()
    data["interventions"][1][0][3] = "31/08/2021"
    data["interventions"][1][1][3] = "31/08/2022"  # last day: inside
    load(write_drop(tmp_path, data))
    assert [r[1:5] for r in quarantine(con)] == [
        (
            2,
            "date_intervention",
            "31/08/2021",
            "date hors de l'année scolaire 2021-2022 (du 2021-09-01 au 2022-08-31)",
        )
    ]


def test_intervention_for_unknown_jeune_is_set_aside(tmp_path, con, load):
    data = tables()
    data["interventions"][1][1][1] = "u2"  # keys keep their case
    load(write_drop(tmp_path, data))
    assert [r[1:5] for r in quarantine(con)] == [
        (3, "usager_id", "u2", "référence à une ligne non chargée de usagers")
    ]


def test_negative_duration_is_emptied(tmp_path, con, load):
    data = tables()
    data["interventions"][1][0][4] = "-30"
    load(write_drop(tmp_path, data))
    assert [r[2:] for r in quarantine(con)] == [
        ("duree_minutes", "-30", "nombre entier illisible ou hors bornes", "valeur vidée")
    ]


def test_multi_valued_field_keeps_the_good_items_once(tmp_path, con, load):
    data = tables()
    data["situations"][1][0][10] = "Salaire | | Loto | salaire | RSA"
    data["interventions"][1][0][10] = "PA1|PA9|PA2"
    load(write_drop(tmp_path, data))
    assert sorted(r[2:4] for r in quarantine(con)) == [
        ("partenaires", "PA9"),
        ("ressources_familiales", "Loto"),
    ]
    assert con.execute(
        "select ressources_familiales, ressources_familiales__codes from raw.situations "
        "where situation_id='SIT1'"
    ).fetchone() == ("Salaire|RSA", "SALAIRE|RSA")
    assert con.execute(
        "select partenaires from raw.interventions where intervention_id='I1'"
    ).fetchone() == ("PA1|PA2",)


def test_empty_file_fails_the_load(tmp_path, load):
    drop = write_drop(tmp_path)
    (drop / "colleges.csv").write_text("")
    with pytest.raises(BdcFileError, match=r"colleges\.csv : fichier vide"):
        load(drop)


def test_missing_file_fails_the_load(tmp_path, load):
    drop = write_drop(tmp_path)
    (drop / "postes.csv").unlink()
    with pytest.raises(BdcFileError, match=r"postes\.csv : fichier absent"):
        load(drop)


def test_ragged_row_is_set_aside(tmp_path, con, load):
    drop = write_drop(tmp_path)
    with (drop / "structures.csv").open("a") as fh:
        fh.write("S3;Club C\n;;\n")  # a ragged row, then a blank line that is not a row
    load(drop)
    assert quarantine(con) == [
        (
            "structures",
            4,
            "",
            "2 champs",
            "ligne mal formée : nombre de champs différent de l'en-tête",
            "ligne écartée",
        )
    ]
    assert accounting_holds(con)


def test_missing_key_sets_row_aside(tmp_path, con, load):
    data = tables()
    data["usagers"][1][1][0] = " "
    load(write_drop(tmp_path, data))
    assert quarantine(con, "usagers")[0][1:5] == (3, "usager_id", None, "clé absente")


def _workbook(tmp_path: Path, skip: str | None = None) -> Path:
    drop = tmp_path / "2021-2022"
    drop.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in tables().items():
        if name == skip:
            continue
        ws = wb.create_sheet(name)
        ws.append(header)
        for r in rows:
            ws.append(r)
    wb.save(drop / "bdc_export.xlsx")
    return drop


def test_excel_workbook_loads_like_csv(tmp_path, con, load):
    load(_workbook(tmp_path))
    assert con.execute("select count(*) from raw.interventions").fetchone()[0] == 2
    assert con.execute(
        "select fichier_source, ligne from raw.usagers where usager_id = 'U2'"
    ).fetchone() == ("bdc_export.xlsx[usagers]", 3)
    assert quarantine(con) == []


def test_excel_workbook_without_a_sheet_fails(tmp_path, load):
    with pytest.raises(BdcFileError, match="feuille « situations » est absente"):
        load(_workbook(tmp_path, skip="situations"))


def test_reloading_a_year_replaces_it(tmp_path, con, load):
    drop = write_drop(tmp_path)
    load(drop)
    first = {
        t.name: con.execute(f"select * from raw.{t.name} order by all").fetchall() for t in TABLES
    }
    load(drop)
    again = {
        t.name: con.execute(f"select * from raw.{t.name} order by all").fetchall() for t in TABLES
    }
    assert first == again
    other = write_drop(tmp_path / "b", annee="2020-2021")
    (other / "interventions.csv").write_text(
        (other / "interventions.csv")
        .read_text()
        .replace("15/10/2021", "15/10/2020")
        .replace("3/3/2022", "3/3/2021")
    )
    load(other)
    assert con.execute(
        "select annee_scolaire, count(*) from raw.interventions group by 1 order by 1"
    ).fetchall() == [("2020-2021", 2), ("2021-2022", 2)]


# --------------------------------------------------------------------------- fast path
# Files with CRLF line ends, quoted fields, or Windows-1252 bytes from 0x80 to 0x9F are
# read by DuckDB too (alses/reading.py, `_simple`); whatever it reads, it reads exactly
# as the careful reader (the same comparison as tests/test_hostile_properties.py).

from hypothesis import given, settings  # noqa: E402

from tests.test_hostile_properties import (  # noqa: E402
    BASE,
    assert_both_readers_agree,
    file_name,
    splices_of,
)


def _quoted_crlf(content: bytes) -> bytes:
    """Every other field of each data line quoted (a `""` inside one), CRLF line ends."""
    lines = content.decode("utf-8").split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split(";")
        out.append(
            ";".join(f'"{v}"' if i % 2 else v for i, v in enumerate(fields)) if line else line
        )
    out[1] = out[1].replace('"', '"Le ""quartier""; ', 1) if '"' in out[1] else out[1]
    return "\r\n".join(out).encode("utf-8")


BASE_QUOTED_CRLF = {name: _quoted_crlf(content) for name, content in BASE.items()}
QUOTED = [b";", b"x", b'"', b'""', b"\r\n", b"\n", b"\r", b" ", b"\xc3\xa9", b'";"']
WINDOWS = [b";", b"x", b"\n", b"\r\n", b" ", b"\x9c", b"\x92", b"\x80", b"\x81", b'"']


def _mutate(content: bytes, how) -> bytes:
    for pos, cut, insert in how[1]:
        at = pos % (len(content) + 1)
        content = content[:at] + insert + content[at + cut :]
    return content


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(name=file_name, how=splices_of(QUOTED))
def test_fast_path_reads_quoted_crlf_files_exactly_like_the_careful_reader(name, how):
    assert_both_readers_agree(name, _mutate(BASE_QUOTED_CRLF[name], how))


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(name=file_name, how=splices_of(WINDOWS))
def test_fast_path_reads_windows_1252_with_c1_bytes_exactly_like_the_careful_reader(name, how):
    content = BASE[name].decode("utf-8").replace("é", "œ’").encode("cp1252")
    assert_both_readers_agree(name, _mutate(content, how))


def test_quoted_crlf_and_windows_1252_files_take_the_fast_path(tmp_path):
    from alses import reading
    from alses.contract import TABLES_BY_NAME

    windows = {n: c.decode("utf-8").replace("é", "œ’€").encode("cp1252") for n, c in BASE.items()}
    assert any(b"\x9c" in c for c in windows.values())
    assert all(b'"' in c and b"\r\n" in c for c in BASE_QUOTED_CRLF.values())
    for kind, files in (("quoted_crlf", BASE_QUOTED_CRLF), ("cp1252", windows)):
        for name, content in files.items():
            path = tmp_path / f"{name}.csv"
            path.write_bytes(content)
            with path.open("rb") as fh:
                encoding = reading.detect_encoding(fh, name)
                out = tmp_path / f"{name}.utf8.csv"
                got = reading._read_fast(fh, path, encoding, TABLES_BY_NAME[name], name, out)
            assert got is not None, (kind, name)
            assert got.rows == content.count(b"\n") - 1  # every line but the header
            assert_both_readers_agree(name, content)
