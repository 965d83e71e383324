from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from alses.extract import load_drop
from alses.settings import ROOT

NOMENCLATURES = ROOT / "seeds" / "nomenclatures.csv"


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
