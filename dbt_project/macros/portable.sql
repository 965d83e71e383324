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
