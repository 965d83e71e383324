{#- Yearly increments (docs/increments.md).

    Every intermediate model, every fact and every per-year mart is `incremental` with
    the strategy `annees_scolaires` below (dbt_project.yml): a run replaces the rows of
    the school years it recomputes and leaves the other years' rows as they are. Two
    environment variables, set by the Dagster asset (orchestration/assets/dbt.py), name
    those years, comma-separated:
    - `ALSES_DBT_ANNEES`: the years whose drop was (re)loaded by the run, purged years
      excepted. A year of every fact and intermediate model is computed from that
      year's drop only, so these are exactly the years a run can alter there;
    - `ALSES_DBT_ANNEES_SUIVANTES`: the next loaded year of each (purged and run years
      excepted): its valeur_n_1 and evolution_points read the corrected year;
      recomputed only by the models that read the previous year (marts.indicateurs).
    Environment variables rather than dbt vars: any change of `--vars` makes dbt parse
    the whole project again (≈ 8 s), and they are read at execution only, so that dbt's
    partial parsing never depends on them.
    Without `ALSES_DBT_ANNEES` (a manual dbt run), on a first build or with
    --full-refresh, is_incremental() is false or the list is none: every year is
    computed. -#}

{#- A list of school years from an environment variable (comma-separated, may be empty),
    or none when it is not set; only at execution (parsing never reads it). -#}
{% macro annees_env(nom) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set valeur = env_var(nom, '*') -%}
    {%- if valeur == '*' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set annees = [] -%}
    {%- for a in valeur.split(',') if a.strip() -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{4}', a.strip()) -%}
            {{ exceptions.raise_compiler_error(
                "Année scolaire inattendue dans " ~ nom ~ " : " ~ a ~ " (attendu AAAA-AAAA)."
            ) }}
        {%- endif -%}
        {%- do annees.append(a.strip()) -%}
    {%- endfor -%}
    {{ return(annees) }}
{%- endmacro %}

{#- The years the current model recomputes (a list), or none: every year. -#}
{% macro annees_recalculees(suivantes=false) -%}
    {#- a unit test may have no relation (`this`): every year, like a first build -#}
    {%- if this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set annees = annees_env('ALSES_DBT_ANNEES') -%}
    {%- if annees is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if suivantes -%}
        {%- set annees = annees + (annees_env('ALSES_DBT_ANNEES_SUIVANTES') or []) -%}
    {%- endif -%}
    {{ return(annees) }}
{%- endmacro %}

{#- SQL list of school years (checked AAAA-AAAA keys); `null` when empty (no row). -#}
{% macro liste_annees(annees) -%}
    {{- ("'" ~ (annees | join("', '")) ~ "'") if annees else 'null' -}}
{%- endmacro %}

{#- The year filter of an incremental model, one call in a where clause: true when every
    year is computed, else `colonne in (the years recomputed)`. -#}
{% macro dans_annees(colonne='annee_scolaire', suivantes=false) -%}
    {%- set annees = annees_recalculees(suivantes) -%}
    {%- if annees is none -%}
        true
    {%- else -%}
        {{ colonne }} in ({{ liste_annees(annees) }})
    {%- endif -%}
{%- endmacro %}

{#- The incremental strategy of the yearly models, on DuckDB and PostgreSQL alike: delete
    every row of the years recomputed — those of ALSES_DBT_ANNEES and those the new rows hold,
    so a year whose corrected drop now yields no row loses its old rows too (plain
    delete+insert would keep them) — then insert the new rows. Without `ALSES_DBT_ANNEES`
    every year was computed: the table is replaced whole. The unique_key is the year
    column. -#}
{% macro get_incremental_annees_scolaires_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set colonne = arg_dict['unique_key'] or 'annee_scolaire' -%}
    {%- set annees = annees_env('ALSES_DBT_ANNEES') -%}
    delete from {{ target }}
    {%- if annees is not none %}
    where
        {{ colonne }} in ({{ liste_annees(annees_recalculees()) }})
        or {{ colonne }} in (select {{ colonne }} from {{ source }})
    {%- endif %};

    {%- set colonnes = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) %}
    insert into {{ target }} ({{ colonnes }})
    (
        select {{ colonnes }}
        from {{ source }}
    )
{%- endmacro %}
