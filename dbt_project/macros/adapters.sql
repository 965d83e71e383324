{#-
  PostgreSQL-only hooks (the portable macros are in portable.sql).
-#}

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
  one build, and the planner's default guesses make joins slow) — incremental ones too:
  a year's rows replaced, or a table emptied then refilled, leave stale statistics (a
  table taken for empty made fct_accompagnement run for minutes). Nothing on DuckDB.
#}
{% macro postgres_analyze() -%}
    {%- if target.type == 'postgres' and config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
