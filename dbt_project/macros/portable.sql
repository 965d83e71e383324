{#-
  Our cross-database layer: DuckDB-only syntax lives here, one `default__` (PostgreSQL-
  compatible) and one `duckdb__` implementation per macro.
-#}

{# Label matching of the contract: case, accents and repeated spaces ignored. #}
{% macro normalize_label(expr) -%}
    {{ return(adapter.dispatch('normalize_label')(expr)) }}
{%- endmacro %}

{% macro default__normalize_label(expr) -%}
    lower(regexp_replace(unaccent(trim({{ expr }})), '\s+', ' ', 'g'))
{%- endmacro %}

{% macro duckdb__normalize_label(expr) -%}
    lower(regexp_replace(strip_accents(trim({{ expr }})), '\s+', ' ', 'g'))
{%- endmacro %}

{# A BDC date: `J/M/AAAA` (one or two digits) or `AAAA-MM-JJ`; null when unreadable. #}
{% macro parse_bdc_date(expr) -%}
    {{ return(adapter.dispatch('parse_bdc_date')(expr)) }}
{%- endmacro %}

{% macro default__parse_bdc_date(expr) -%}
    case
        when trim({{ expr }}) ~ '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$'
            then to_date(trim({{ expr }}), 'DD/MM/YYYY')
        when trim({{ expr }}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then to_date(trim({{ expr }}), 'YYYY-MM-DD')
    end
{%- endmacro %}

{% macro duckdb__parse_bdc_date(expr) -%}
    case
        when regexp_full_match(trim({{ expr }}), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
            then cast(try_strptime(trim({{ expr }}), '%d/%m/%Y') as date)
        when regexp_full_match(trim({{ expr }}), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then cast(try_strptime(trim({{ expr }}), '%Y-%m-%d') as date)
    end
{%- endmacro %}

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
