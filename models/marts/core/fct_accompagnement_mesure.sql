{{ config(materialized='incremental') }}

{#- One row per jeune accompagné, school year and mesure of the reference
    situation (multi-valued field). -#}
{{
    fact_bridge(
        fact='fct_accompagnement',
        fact_keys=['annee_scolaire', 'jeune_key'],
        carried=['est_alses', 'territoire_code'],
        via='int_situation_reference_par_annee',
        items='int_situations__mesures',
        item_keys=['annee_scolaire', 'situation_id'],
        code_column='mesure_code',
        field='mesure'
    )
}}
