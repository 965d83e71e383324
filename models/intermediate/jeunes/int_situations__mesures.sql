{{
    bridge(
        'stg_bdc__situations',
        ['annee_scolaire', 'situation_id'],
        'mesures',
        'mesure',
        'mesure_code'
    )
}}
