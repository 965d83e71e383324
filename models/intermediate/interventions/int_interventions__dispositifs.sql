{{
    bridge(
        'stg_bdc__interventions',
        ['annee_scolaire', 'intervention_id'],
        'dispositifs_internes',
        'dispositif',
        'dispositif_code'
    )
}}
