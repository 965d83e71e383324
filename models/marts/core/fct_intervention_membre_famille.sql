{{ config(materialized='incremental') }}

{#- One row per intervention and membre_famille (multi-valued field). -#}
{{
    fact_bridge(
        fact='fct_intervention',
        fact_keys=['annee_scolaire', 'intervention_id'],
        carried=['territoire_code', 'est_alses'],
        items='int_interventions__membres_famille',
        item_keys=['annee_scolaire', 'intervention_id'],
        code_column='membre_famille_code',
        field='membre_famille'
    )
}}
