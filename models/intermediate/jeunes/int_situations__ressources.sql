{{
    bridge(
        'stg_bdc__situations',
        ['annee_scolaire', 'situation_id'],
        'ressources_familiales',
        'ressource',
        'ressource_code'
    )
}}
