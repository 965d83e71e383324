from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from alses.extract import load_drop
from alses.settings import ROOT

NOMENCLATURES = ROOT / "seeds" / "nomenclatures.csv"

# The tests' fixture drops are not the demo drops: they need a pseudonymisation secret
# (alses/pseudonym.py), as a real export would. Subprocesses inherit it.
os.environ.setdefault("ALSES_PSEUDO_SECRET", "tests-secret-not-for-real-data")


@pytest.fixture
def con(tmp_path: Path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield c
    c.close()


@pytest.fixture
def load(con):
    def _load(drop: Path):
        return load_drop(con, drop, NOMENCLATURES)

    return _load


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory):
    """The two demo drops loaded and the dbt project built on them (ALSES_DEMO=oui)."""
    from alses.demo.generator import write_demo
    from tests.test_dbt import dbt_build

    tmp = tmp_path_factory.mktemp("demo_warehouse")
    warehouse = tmp / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for drop in write_demo(tmp / "bdc"):
            load_drop(con, drop, NOMENCLATURES)
    result = dbt_build(warehouse, env={"ALSES_DEMO": "oui"})
    assert result.returncode == 0, result.stdout[-4000:]
    return warehouse
