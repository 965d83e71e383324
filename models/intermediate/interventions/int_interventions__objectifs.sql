{{
    bridge(
        'stg_bdc__interventions',
        ['annee_scolaire', 'intervention_id'],
        'objectifs',
        'objectif',
        'objectif_code'
    )
}}
