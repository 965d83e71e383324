{#-
  Our cross-database layer: DuckDB-only syntax lives here, one `default__` (PostgreSQL-
  compatible) and one `duckdb__` implementation per macro.
-#}

{# The items of a `|`-separated cell, as rows (use in a lateral/cross join). #}
{% macro split_items(expr) -%}
    {{ return(adapter.dispatch('split_items')(expr)) }}
{%- endmacro %}

{% macro default__split_items(expr) -%}
    unnest(string_to_array({{ expr }}, '|'))
{%- endmacro %}

{% macro duckdb__split_items(expr) -%}
    unnest(string_split({{ expr }}, '|'))
{%- endmacro %}

{#
  A number in French text (a motif of marts.rapprochement_publication): at most three
  decimals, no trailing zero, decimal comma — the same text on both engines (a cast of a
  double to varchar writes 23.0 on DuckDB and 23 on PostgreSQL).
#}
{% macro nombre_fr(expr) -%}
    replace(rtrim(rtrim(cast(round(cast({{ expr }} as numeric), 3) as varchar), '0'), '.'), '.', ',')
{%- endmacro %}
