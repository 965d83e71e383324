{{
    bridge(
        'stg_bdc__interventions',
        ['annee_scolaire', 'intervention_id'],
        'objectifs_famille',
        'objectif_famille',
        'objectif_famille_code'
    )
}}
