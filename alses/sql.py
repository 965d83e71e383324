"""The one quoting helper for everything that enters SQL as text (paths, names, values).

DuckDB takes no bind parameter for a file path in `attach`, `read_csv` or `copy`, nor
for an identifier: such text is quoted here, and only here, so that a path holding an
apostrophe (`/data/l'entrepôt/`) or a name holding a double quote stays what it is.
"""

from __future__ import annotations

from os import PathLike


def literal(text: str | PathLike[str]) -> str:
    """A SQL string literal: `l'entrepôt` → `'l''entrepôt'`."""
    return "'" + str(text).replace("'", "''") + "'"


def literals(values) -> str:
    """The inside of a SQL `in (…)` list of string literals; `null` when there is none
    (`x in (null)` holds for no row)."""
    return ", ".join(literal(v) for v in values) or "null"


def identifier(name: str) -> str:
    """A SQL identifier (schema, table, column, database alias): always double-quoted."""
    return '"' + name.replace('"', '""') + '"'
