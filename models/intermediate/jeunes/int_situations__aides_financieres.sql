{{
    bridge(
        'stg_bdc__situations',
        ['annee_scolaire', 'situation_id'],
        'aides_financieres',
        'aide_financiere',
        'aide_financiere_code'
    )
}}
