{{ config(materialized='incremental') }}

{#- One row per intervention and objectif (multi-valued field). -#}
{{
    fact_bridge(
        fact='fct_intervention',
        fact_keys=['annee_scolaire', 'intervention_id'],
        carried=['territoire_code', 'est_alses'],
        items='int_interventions__objectifs',
        item_keys=['annee_scolaire', 'intervention_id'],
        code_column='objectif_code',
        field='objectif'
    )
}}
