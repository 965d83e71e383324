{#-
  PostgreSQL implementations of the portable macros (dispatch: `postgres__` is chosen
  before `default__` on dbt-postgres; `duckdb__` stays in portable.sql). Issue 13.
-#}

{#
  Label matching: case, accents and repeated spaces ignored, like DuckDB's strip_accents
  (which removes combining marks only: œ and æ stay; the `unaccent` extension would map
  œ to oe, and needs installing). On PostgreSQL the normalization is a function,
  created by `create_normalize_label` (on-run-start): bdc_code's scalar subquery runs
  once per item, and PostgreSQL, which cannot hoist the expression, would normalize the
  field's whole nomenclature for every item (minutes on the demo). The function is
  immutable (an index on the seed uses it) and declared costly, so that the planner
  probes that index rather than scanning.
#}
{% macro postgres__normalize_label(expr) -%}
    {{ target.schema }}.alses_normalize_label({{ expr }})
{%- endmacro %}

{% macro create_normalize_label() -%}
    {%- if target.type == 'postgres' -%}
        create or replace function {{ target.schema }}.alses_normalize_label(t text)
        returns text language sql immutable strict parallel safe cost 10000
        set search_path = pg_catalog
        return lower(regexp_replace(translate(trim(t),
            'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ',
            'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY'), '\s+', ' ', 'g'))
    {%- endif -%}
{%- endmacro %}

{# Post-hook of the nomenclatures seed: the index bdc_code probes (nothing on DuckDB). #}
{% macro index_nomenclatures() -%}
    {%- if target.type == 'postgres' -%}
        create index if not exists nomenclatures_field_norm
        on {{ this }} (field, ({{ normalize_label('label') }}))
    {%- endif -%}
{%- endmacro %}

{#
  Pre-hook of every model (dbt_project.yml): PostgreSQL's JIT compiles the large
  expressions of the staging views for minutes (int_interventions_enrichies: 8 s without,
  over 5 minutes with, on the demo). Session setting only; nothing on DuckDB.
#}
{% macro postgres_session() -%}
    {%- if target.type == 'postgres' -%}set jit = off{%- endif -%}
{%- endmacro %}

{#
  Post-hook of every model (dbt_project.yml): fresh statistics for the tables a build
  has just written, before the next model reads them (autovacuum comes too late within
  one build, and the planner's default guesses make joins slow). Nothing on DuckDB.
#}
{% macro postgres_analyze() -%}
    {%- if target.type == 'postgres' and config.get('materialized') == 'table' -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
