{{ config(materialized='incremental') }}

{#- One row per jeune accompagné, school year and aide_financiere of the reference
    situation (multi-valued field). -#}
{{
    fact_bridge(
        fact='fct_accompagnement',
        fact_keys=['annee_scolaire', 'jeune_key'],
        carried=['est_alses', 'territoire_code'],
        via='int_situation_reference_par_annee',
        items='int_situations__aides_financieres',
        item_keys=['annee_scolaire', 'situation_id'],
        code_column='aide_financiere_code',
        field='aide_financiere'
    )
}}
