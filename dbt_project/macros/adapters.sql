{#-
  PostgreSQL-only hooks (the portable macros are in portable.sql). Issue 13.
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
  one build, and the planner's default guesses make joins slow). Nothing on DuckDB.
#}
{% macro postgres_analyze() -%}
    {%- if target.type == 'postgres' and config.get('materialized') == 'table' -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
