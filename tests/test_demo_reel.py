"""Demo and real data never mix (alses/settings.py, the demo rule): a year is demo data
because of a file the demo generator writes inside it; a folder or a warehouse holding
both kinds is refused before anything is loaded or published."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from alses.depots import ConfigurationError
from alses.extract import load_drop
from alses.pseudonym import DEMO_SECRET, SecretError, pseudo_secret
from alses.settings import DEMO_MARKER, DEMO_YEAR_FILE, is_demo, is_demo_year
from tests.bdc_fixture import write_drop
from tests.conftest import NOMENCLATURES


def fake_demo_year(root: Path, annee: str) -> Path:
    """The fixture drop, marked as the demo generator marks its years."""
    drop = write_drop(root, annee=annee)
    (drop / DEMO_YEAR_FILE).write_text(DEMO_MARKER + "\n", encoding="utf-8")
    return drop


def test_the_demo_rule_is_decided_per_year_inside_the_year(tmp_path, monkeypatch):
    monkeypatch.delenv("ALSES_PSEUDO_SECRET")
    demo = fake_demo_year(tmp_path, "2020-2021")
    real = write_drop(tmp_path, annee="2021-2022")
    assert is_demo_year(demo) and not is_demo_year(real)
    # a README beside the drops decides nothing any more
    (tmp_path / "README.md").write_text(DEMO_MARKER + "\n", encoding="utf-8")
    assert not is_demo(tmp_path)
    with pytest.raises(SecretError, match="ALSES_PSEUDO_SECRET n'est pas défini"):
        pseudo_secret(tmp_path)  # a real year needs the secret, even beside demo years
    # a marker with another first line, or a link to a marker, is not the demo's
    (real / DEMO_YEAR_FILE).write_text("# Mes notes\n" + DEMO_MARKER + "\n", encoding="utf-8")
    assert not is_demo_year(real)
    (real / DEMO_YEAR_FILE).unlink()
    (real / DEMO_YEAR_FILE).symlink_to(demo / DEMO_YEAR_FILE)
    assert not is_demo_year(real)
    # only demo years: the demo secret; the demo secret never keys a real year
    shutil.rmtree(real)
    assert pseudo_secret(tmp_path) == DEMO_SECRET
    write_drop(tmp_path, annee="2021-2022")
    monkeypatch.setenv("ALSES_PSEUDO_SECRET", DEMO_SECRET)
    with pytest.raises(SecretError, match="secret publié des données de démonstration"):
        pseudo_secret(tmp_path)


def test_the_demo_generator_marks_each_of_its_years(demo_drops):
    years = sorted(p for p in demo_drops.iterdir() if p.is_dir())
    assert [p.name for p in years] == ["2020-2021", "2021-2022"]
    assert all(is_demo_year(p) for p in years)


def test_a_warehouse_refuses_a_year_of_the_other_kind(tmp_path):
    """load_drop itself (Dagster's path too) refuses to mix, both ways; the marker is
    neither loaded nor reported as a file ignored."""
    real = write_drop(tmp_path / "reel")
    demo = fake_demo_year(tmp_path / "demo", "2020-2021")
    for first, second, held, new in (
        (real, demo, "réelles", "de démonstration"),
        (demo, real, "de démonstration", "réelles"),
    ):
        warehouse = tmp_path / f"{first.parent.name}.duckdb"
        with duckdb.connect(str(warehouse)) as con:
            load_drop(con, first, NOMENCLATURES, secret="x" * 20)
            before = con.execute("select * from raw.chargements order by all").fetchall()
            with pytest.raises(ConfigurationError) as refused:
                load_drop(con, second, NOMENCLATURES, secret="x" * 20)
            assert con.execute("select * from raw.chargements order by all").fetchall() == before
            assert con.execute(
                "select count(*) from raw.quarantaine where fichier = ?", [DEMO_YEAR_FILE]
            ).fetchone() == (0,)
        message = str(refused.value)
        assert f"contient des années {held} ({first.name})" in message
        assert f"les années à charger sont {new} ({second.name})" in message
        assert "make clean" in message and "ALSES_WAREHOUSE" in message


def _state(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "logs" not in p.relative_to(root).parts
    }


def test_newcomer_path_real_year_copied_beside_the_demo(
    tmp_path, run_main, monkeypatch, demo_drops, demo_warehouse
):
    """`make run` (orchestration.run.main), as a new user: after the demo (its drops in
    data/bdc, its warehouse, published file and outputs), a real year copied into
    data/bdc, without then with a secret, then with the demo years deleted: each run
    stops before loading, names both sets of years and what to do, and leaves every
    previous output as it was."""
    monkeypatch.setattr("alses.settings.ROOT", tmp_path)
    bdc = tmp_path / "data" / "bdc"
    shutil.copytree(demo_drops, bdc)
    (tmp_path / "warehouse").mkdir()
    shutil.copy(demo_warehouse, tmp_path / "warehouse" / "alses.duckdb")
    shutil.copy(demo_warehouse, tmp_path / "warehouse" / "alses_marts.duckdb")
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "rapport_alses_2021-2022.html").write_text("<p>démo</p>")
    write_drop(bdc, annee="2022-2023")  # the real export's year, copied by hand
    before = _state(tmp_path)

    for env in ({}, {"ALSES_PSEUDO_SECRET": "un-vrai-secret-de-test-0001"}):
        run = run_main(env)
        assert run.returncode == 1
        assert "Traceback" not in run.stdout + run.stderr
        assert run.stderr.startswith("\nÉCHEC avant chargement :\n")
        assert (
            f"{bdc} mélange des données de démonstration (2020-2021, 2021-2022) et un vrai "
            "export (2022-2023)" in run.stderr
        )
        assert "export ALSES_BDC_DIR=" in run.stderr
        assert f"{bdc / '2020-2021'}, {bdc / '2021-2022'}" in run.stderr
        assert _state(tmp_path) == before

    # the demo drops deleted, the demo warehouse kept: refused by the warehouse
    for annee in ("2020-2021", "2021-2022"):
        shutil.rmtree(bdc / annee)
    before = _state(tmp_path)
    run = run_main({"ALSES_PSEUDO_SECRET": "un-vrai-secret-de-test-0001"})
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert (
        f"L'entrepôt {tmp_path / 'warehouse' / 'alses.duckdb'} contient des années de "
        "démonstration (2020-2021, 2021-2022) ; les années à charger sont réelles "
        "(2022-2023)" in run.stderr
    )
    assert _state(tmp_path) == before
