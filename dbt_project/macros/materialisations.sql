{#- DuckDB's materializations, written for what this project uses (docs/performance.md,
    « Le coût fixe de dbt par nœud »).

    dbt-duckdb's own `table`, `incremental` and dbt's `view` serve every warehouse dbt
    supports: intermediate and backup relations renamed into place, foreign keys,
    indexes, grants, partitioning, DuckLake, MotherDuck, and a lookup of the relation's
    columns before each comment and each schema check. On this project that meant about
    twelve statements per model, each paying dbt's Python and Jinja cost (≈ 0.13 s of
    CPU per model, most of a demo build). Here, one batch of statements per model, in
    the transaction dbt opens and commits:
    - a table or a view is replaced in place (`drop` then `create`, or `create or
      replace view`): DuckDB's transaction makes the swap atomic, as the renames did;
    - an incremental model's new rows go to a temporary table, their columns are
      compared with the table's (a difference fails the run, as on_schema_change
      'fail' did), then the strategy (increments.sql) deletes and inserts;
    - the French descriptions are written as comments when the relation is created
      (an incremental run keeps the table, and its comments: a description changed
      reaches the warehouse with the next full refresh, which `make run` does when the
      project's fingerprint changes);
    - a dbt setting they do not implement (grants, indexes, predicates, sql_header,
      on_schema_change other than 'fail') fails the model instead of being ignored.
    If a Python model fails in an incremental run, its rows' table (dbt-duckdb writes
    it in `main`, committed at once) stays until the next run of the model.
    Contracts (dbt's create_table_as checks the columns), the Python model (run from
    the materialization itself, as dbt requires) and the hooks go through dbt's macros
    as before; a Python model can only be incremental here. PostgreSQL keeps dbt's materializations. -#}

{% materialization incremental, adapter='duckdb', supported_languages=['sql', 'python'] -%}
    {%- set language = model['language'] -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target = this.incorporate(type='table') -%}
    {%- set complet = existing is none or existing.is_view or should_full_refresh() -%}
    {%- do alses_debut() -%}
    {%- if complet and language == 'python' -%}
        {#- dbt runs a Python model only from the materialization itself, and dbt-duckdb
            writes its rows through a cursor of their own, committed at once: into an
            intermediate table, put in place in this transaction (the old table stays
            if the model fails) -#}
        {%- set intermediaire = make_intermediate_relation(target) -%}
        {%- do adapter.drop_relation(intermediaire) -%}
        {%- call statement('main', language='python') -%}
            {{ create_table_as(False, intermediaire, compiled_code, 'python') }}
        {%- endcall -%}
        {%- call statement('remplacement') -%}
            {%- if existing is not none %}
            drop {{ existing.type }} {{ existing }};
            {%- endif %}
            alter table {{ intermediaire }} rename to {{ adapter.quote(target.identifier) }};
            {{ alses_commentaires(target) }}
        {%- endcall -%}
        {%- if existing is not none -%}
            {%- do adapter.cache_dropped(existing) -%}
        {%- endif -%}
    {%- elif complet -%}
        {%- do alses_remplacer(existing, target) -%}
    {%- else -%}
        {%- set temporaire = make_temp_relation(target) -%}
        {%- set nouvelles = create_table_as(True, temporaire, compiled_code, language) -%}
        {%- if language == 'python' -%}
            {%- call statement('nouvelles', language='python') -%}{{ nouvelles }}{%- endcall -%}
            {%- set nouvelles = '' -%}
        {%- endif -%}
        {%- set strategie = adapter.get_incremental_strategy_macro(
            context, config.get('incremental_strategy') or 'default'
        ) -%}
        {%- call statement('main') -%}
            {{ nouvelles }}
            {{ alses_colonnes_inchangees(temporaire, target) }};
            {{ strategie({
                'target_relation': target,
                'temp_relation': temporaire,
                'unique_key': config.get('unique_key'),
                'dest_columns': none,
                'incremental_predicates': none,
            }) }};
            drop table {{ temporaire }};
        {%- endcall -%}
    {%- endif -%}
    {{ return(alses_fin(target)) }}
{%- endmaterialization %}

{% materialization table, adapter='duckdb', supported_languages=['sql'] -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target = this.incorporate(type='table') -%}
    {%- do alses_debut() -%}
    {%- do alses_remplacer(existing, target) -%}
    {{ return(alses_fin(target)) }}
{%- endmaterialization %}

{% materialization view, adapter='duckdb' -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set target = this.incorporate(type='view') -%}
    {%- do alses_debut() -%}
    {%- if existing is not none and not existing.is_view -%}
        {%- do adapter.drop_relation(existing) -%}
    {%- endif -%}
    {%- call statement('main') -%}
        {%- if config.get('contract').enforced -%}
            {{ get_assert_columns_equivalent(sql) }}
        {%- endif %}
        create or replace view {{ target }} as (
            {{ sql }}
        );
        {{ alses_commentaires(target) }}
    {%- endcall -%}
    {{ return(alses_fin(target)) }}
{%- endmaterialization %}

{#- What each materialization does first: the settings checked, the pre-hooks. -#}
{% macro alses_debut() -%}
    {%- do alses_reglages_pris_en_charge() -%}
    {%- do run_hooks(pre_hooks, inside_transaction=False) -%}
    {%- do run_hooks(pre_hooks, inside_transaction=True) -%}
{%- endmacro %}

{#- And last: the post-hooks around dbt's commit; the relations built, for dbt. -#}
{% macro alses_fin(target) -%}
    {%- do run_hooks(post_hooks, inside_transaction=True) -%}
    {%- do adapter.commit() -%}
    {%- do run_hooks(post_hooks, inside_transaction=False) -%}
    {{ return({'relations': [target]}) }}
{%- endmacro %}

{#- A table built whole from SQL: the relation of the same name dropped, the table
    created (dbt's create_table_as checks a contract), its comments written. -#}
{% macro alses_remplacer(existing, target) -%}
    {%- if existing is not none and existing.type != 'table' -%}
        {%- do adapter.drop_relation(existing) -%}
        {%- set existing = none -%}
    {%- endif -%}
    {%- call statement('main') -%}
        {%- if existing is not none %}
        drop table {{ existing }};
        {%- endif %}
        {{ create_table_as(False, target, compiled_code, 'sql') }}
        {{ alses_commentaires(target) }}
    {%- endcall -%}
{%- endmacro %}

{#- dbt's settings these materializations do not implement (the project sets none on
    DuckDB): a model that sets one fails at once, rather than the setting being ignored. -#}
{% macro alses_reglages_pris_en_charge() -%}
    {%- for cle in ['incremental_predicates', 'predicates', 'indexes', 'sql_header',
        'partitioned_by', 'sorted_by', 'grants'] if config.get(cle) -%}
        {{ exceptions.raise_compiler_error(
            "Réglage dbt « " ~ cle ~ " » non pris en charge par les matérialisations DuckDB du "
            ~ "projet (dbt_project/macros/materialisations.sql) : " ~ model.unique_id
        ) }}
    {%- endfor -%}
    {%- if config.get('on_schema_change') not in (none, 'fail') -%}
        {{ exceptions.raise_compiler_error(
            "on_schema_change « " ~ config.get('on_schema_change') ~ " » non pris en charge sur "
            ~ "DuckDB (seul « fail ») : " ~ model.unique_id
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- The model's description and its columns' (persist_docs), as statements: every
    documented column must exist (dbt-duckdb skipped a missing one; here the model
    fails, a documentation error). -#}
{% macro alses_commentaires(relation) -%}
    {%- if config.persist_relation_docs() and model.description %}
    comment on {{ relation.type }} {{ relation }} is {{ duckdb_escape_comment(model.description) }};
    {%- endif -%}
    {%- if config.persist_column_docs() -%}
        {%- for nom, colonne in model.columns.items() %}
    comment on column {{ relation }}.{{ adapter.quote(nom) if colonne.quote else nom }}
        is {{ duckdb_escape_comment(colonne.description) }};
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- A query that fails when the new rows' columns (name and type) differ from the
    table's: the schema check on_schema_change 'fail' made, without its two lookups. -#}
{% macro alses_colonnes_inchangees(nouvelles, table) -%}
    with
        nouvelles as (
            select column_name as nom, data_type as type_donnees
            from duckdb_columns()
            -- a temporary table, or a table of the file's main schema (Python model)
            where table_name = '{{ nouvelles.identifier }}'
        ),
        existantes as (
            select column_name as nom, data_type as type_donnees
            from duckdb_columns()
            where
                database_name = '{{ table.database }}'
                and schema_name = '{{ table.schema }}'
                and table_name = '{{ table.identifier }}'
        ),
        ecarts as (
            (select * from nouvelles except select * from existantes)
            union all
            (select * from existantes except select * from nouvelles)
        )
    select error(
        'Les colonnes de {{ table }} ont changé (' || string_agg(nom || ' ' || type_donnees, ', ')
        || ') : reconstruisez-la avec --full-refresh.'
    )
    from ecarts
    having count(*) > 0
{%- endmacro %}
