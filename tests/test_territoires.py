"""The territory list lives in one seed (seeds/territoires.csv, read by alses.territoires
and core.dim_territoire); the contract's nomenclature field `territoire` must name the
same territories, and no model, macro or pipeline module writes a territory code itself."""

from __future__ import annotations

import csv
import re

from alses.settings import ROOT
from alses.territoires import DEPARTEMENT, LIBELLES, TERRITOIRES

#: Where a territory code may still be written (see docs/regles.md): the seed reader and
#: the demo's calibration targets (per-territory figures of the published report).
ALLOWED_PY = ("alses/territoires.py", "alses/demo/")


def test_the_seed_territories_are_the_contract_nomenclature():
    with open(ROOT / "seeds" / "nomenclatures.csv", encoding="utf-8", newline="") as f:
        nomenclature = [
            (r["code"], r["label"]) for r in csv.DictReader(f) if r["field"] == "territoire"
        ]
    assert [(t, LIBELLES[t]) for t in TERRITOIRES] == nomenclature
    assert list(LIBELLES) == [DEPARTEMENT, *TERRITOIRES]


def test_the_departement_macro_is_the_seed_departement():
    macro = (ROOT / "dbt_project" / "macros" / "territoires.sql").read_text(encoding="utf-8")
    assert re.search(r"macro code_departement\(\) %\}'(\w+)'", macro).group(1) == DEPARTEMENT


def test_no_model_macro_or_module_writes_a_territory_code():
    codes = "|".join(LIBELLES)
    sql_literal = re.compile(rf"'({codes})'")
    py_literal = re.compile(rf"[\"']({codes})[\"']")
    offenders = []
    for folder in ("models", "dbt_project/macros"):
        for path in (ROOT / folder).rglob("*.sql"):
            if path.name != "territoires.sql" and sql_literal.search(path.read_text("utf-8")):
                offenders.append(path.relative_to(ROOT).as_posix())
    for folder in ("alses", "orchestration"):
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith(ALLOWED_PY) and py_literal.search(path.read_text("utf-8")):
                offenders.append(rel)
    assert not offenders, "read the list from seeds/territoires.csv (alses.territoires)"
