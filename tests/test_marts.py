"""Marts on the demo drops: every comparable published figure holds; the analysts'
table is complete; the generator and the marts never read each other."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from alses.settings import ROOT


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    return demo_warehouse


def test_every_comparable_published_figure_holds(demo):
    with duckdb.connect(str(demo), read_only=True) as con:
        statuses = dict(
            con.execute(
                "select statut, count(*) from marts.rapprochement_publication group by 1"
            ).fetchall()
        )
        kinds = {
            r[0]
            for r in con.execute(
                "select distinct comparaison from marts.rapprochement_publication "
                "where statut = 'conforme'"
            ).fetchall()
        }
    assert statuses == {"conforme": 267, "non comparable": 16}
    assert kinds == {"valeur", "numerateur", "rang", "vs_nord", "vs_ps", "evolution"}


def test_indicateurs_is_complete(demo):
    with duckdb.connect(str(demo), read_only=True) as con:
        modalites = con.execute("select count(*) from marts.catalogue_indicateurs").fetchone()[0]
        alses_only = con.execute(
            "select count(*) from marts.catalogue_indicateurs where est_alses_seulement"
        ).fetchone()[0]
        rows = con.execute("select count(*) from marts.indicateurs").fetchone()[0]
        # 2 years x 8 territories (NORD + 7) x (both scopes, or ALSES only)
        assert rows == 2 * 8 * (2 * modalites - alses_only)
        empty = con.execute(
            "select count(*) from marts.indicateurs where numerateur = 0 and unite = 'pct' "
            "and denominateur > 0 and rang is not null"
        ).fetchone()[0]
        assert empty > 0  # zero rows exist and are ranked among the others


def test_demande_principale_reads_like_the_report(demo):
    with duckdb.connect(str(demo), read_only=True) as con:
        rows = con.execute(
            "select modalite, modalite_libelle, round(valeur, 1), rang from marts.indicateurs "
            "where indicateur = 'demande_principale' and annee_scolaire = '2021-2022' "
            "and perimetre = 'ALSES' and territoire_code = 'NORD' order by rang limit 2"
        ).fetchall()
    assert rows == [
        ("SCOL", "Scolarité", 51.6, 1),
        ("PARLER", "Besoin de parler, estime de soi, soutien psychoaffectif", 14.0, 2),
    ]


def test_generator_and_marts_never_read_each_other():
    from tests.conftest import MANIFEST, manifest_lock

    with manifest_lock():
        manifest = json.loads(MANIFEST.read_text())
    readers = {
        node["name"]
        for node in manifest["nodes"].values()
        if "seed.alses.published_figures" in node.get("depends_on", {}).get("nodes", [])
    }
    assert {r for r in readers if not r.startswith("assert_")} == {"rapprochement_publication"}
    for path in (ROOT / "alses" / "demo").glob("*.py"):
        text = path.read_text()
        assert not re.search(r"duckdb|warehouse|marts\.", text), path.name
    for path in (ROOT / "models").rglob("*.sql"):
        assert "demo" not in path.read_text(), path


def test_only_staging_reads_the_sources():
    # Every model downstream of staging reads the warehouse through staging's views
    # (what staging lets through is what may leave raw).
    from tests.conftest import MANIFEST, manifest_lock

    with manifest_lock():
        manifest = json.loads(MANIFEST.read_text())
    readers = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and any(n.startswith("source.") for n in node["depends_on"]["nodes"])
    }
    assert readers and all(r.startswith("stg_bdc__") for r in readers), sorted(readers)
