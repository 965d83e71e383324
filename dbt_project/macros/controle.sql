{#- Helpers of the October audit (models/controle/, docs/controle_octobre.md). -#}

{#- The school years whose personal detail was purged (alses/retention.py): a query with
    one column annee_scolaire, empty when nothing was ever purged. Read at execution
    (the archive schema exists only after a purge). -#}
{% macro controle_annees_purgees() -%}
    {%- set relation = none -%}
    {%- if execute -%}
        {%- set relation = adapter.get_relation(
            database=target.database, schema='archive', identifier='annees_purgees') -%}
    {%- endif -%}
    {%- if relation is not none -%}
        select annee_scolaire from {{ relation }}
    {%- else -%}
        select cast(null as varchar) as annee_scolaire where 1 = 0
    {%- endif -%}
{%- endmacro %}

{#- The drop (load_id) of each school year in the last publication of the analysts'
    file (marts.journal_publications, written by alses/publish.py outside dbt): one row
    per year, none before the first publication. -#}
{% macro controle_versions_publiees() -%}
    {%- set relation = none -%}
    {%- if execute -%}
        {%- set relation = adapter.get_relation(
            database=target.database, schema='marts', identifier='journal_publications') -%}
    {%- endif -%}
    {%- if relation is not none -%}
        {{ return(adapter.dispatch('controle_versions_publiees')(relation)) }}
    {%- else -%}
        select cast(null as varchar) as annee_scolaire, cast(null as varchar) as load_id
        where 1 = 0
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__controle_versions_publiees(relation) -%}
    select
        cast(depot.key as varchar) as annee_scolaire,
        json_extract_string(depot.value, '$') as load_id
    from (
        select depots from {{ relation }}
        order by publication_id desc
        limit 1
    ) as derniere
    cross join json_each(derniere.depots) as depot
{%- endmacro %}

{% macro default__controle_versions_publiees(relation) -%}
    select depot.key as annee_scolaire, depot.value as load_id
    from (
        select depots from {{ relation }}
        order by publication_id desc
        limit 1
    ) as derniere
    cross join lateral json_each_text(cast(derniere.depots as json)) as depot
{%- endmacro %}

{#- One text per row of a staging view: its columns but the year's, separated by the
    unit separator; hashed per file by controle_mesures (a file copied from another
    year gives the same texts). -#}
{% macro controle_texte_ligne(relation) -%}
    {%- if not execute -%}
        ''
    {%- else -%}
        {%- set meta = ['annee_scolaire', 'load_id', 'fichier_source', 'ligne'] -%}
        {%- set colonnes = [] -%}
        {%- for colonne in adapter.get_columns_in_relation(relation) -%}
            {%- if colonne.name | lower not in meta -%}
                {%- do colonnes.append(
                    "coalesce(cast(" ~ adapter.quote(colonne.name) ~ " as varchar), '')") -%}
            {%- endif -%}
        {%- endfor -%}
        {{ colonnes | join(" || chr(31) || ") }}
    {%- endif -%}
{%- endmacro %}

{#- The nomenclature-coded columns of a staging view (`<field>_code`, single-valued),
    read at execution. -#}
{% macro controle_colonnes_codees(relation) -%}
    {%- set colonnes = [] -%}
    {%- if execute -%}
        {%- for colonne in adapter.get_columns_in_relation(relation) -%}
            {%- if (colonne.name | lower).endswith('_code') -%}
                {%- do colonnes.append(colonne.name | lower) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(colonnes) }}
{%- endmacro %}

{#- The median of `expr` in an aggregation. -#}
{% macro controle_mediane(expr) -%}
    {{ return(adapter.dispatch('controle_mediane')(expr)) }}
{%- endmacro %}

{% macro duckdb__controle_mediane(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro default__controle_mediane(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{#- Incremental strategy `ajout` (controle_mesures): the new rows appended, the others
    kept (the measures of a drop version never change). -#}
{% macro get_incremental_ajout_sql(arg_dict) -%}
    insert into {{ arg_dict['target_relation'] }}
    select * from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
