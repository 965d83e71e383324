{{ config(materialized='incremental') }}

{#- One row per intervention and objectif_famille (multi-valued field). -#}
{{
    fact_bridge(
        fact='fct_intervention',
        fact_keys=['annee_scolaire', 'intervention_id'],
        carried=['territoire_code', 'est_alses'],
        items='int_interventions__objectifs_famille',
        item_keys=['annee_scolaire', 'intervention_id'],
        code_column='objectif_famille_code',
        field='objectif_famille'
    )
}}
