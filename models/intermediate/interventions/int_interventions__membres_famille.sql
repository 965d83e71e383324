{{
    bridge(
        'stg_bdc__interventions',
        ['annee_scolaire', 'intervention_id'],
        'membres_famille',
        'membre_famille',
        'membre_famille_code'
    )
}}
