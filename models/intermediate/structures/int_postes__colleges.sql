{{
    bridge(
        'stg_bdc__postes',
        ['annee_scolaire', 'poste_id'],
        'colleges_uai',
        value_name='college_uai'
    )
}}
