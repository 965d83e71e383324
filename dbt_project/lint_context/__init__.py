"""What sqlfluff's jinja templater (make lint) knows of dbt beyond its builtins.

sqlfluff renders each model file alone, with the project's macros (pyproject,
[tool.sqlfluff.templater.jinja]); dbt's own `dbt build` compiles the real SQL. Here, as
dbt compiles a first build on DuckDB (what the dbt templater linted before):
- `target`: the DuckDB output;
- `is_incremental()`: false (no table yet: the full query is linted);
- `var(name, default)`: the project's vars (dbt_project.yml), else the default;
- `adapter.dispatch('m')(args)`: the call `m(args)`; the macro's body is dbt's, never
  part of a model file, and a function call parses wherever its expression would.
"""

from pathlib import Path
from types import SimpleNamespace

import yaml

_PROJECT = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text(encoding="utf-8")
)
_VARS = _PROJECT.get("vars") or {}

target = SimpleNamespace(type="duckdb", name="duckdb", schema="main", database="alses")


def is_incremental():
    return False


def var(name, default=None):
    return _VARS.get(name, default)


def _dispatch(name, macro_namespace=None):
    def call(*args, **kwargs):
        return f"{name}({', '.join(str(a) for a in args)})"

    return call


adapter = SimpleNamespace(dispatch=_dispatch)
