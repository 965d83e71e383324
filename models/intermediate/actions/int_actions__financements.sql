{{
    bridge(
        'int_actions_unifiees',
        ['annee_scolaire', 'action_id'],
        'financements',
        'financement',
        'financement_code'
    )
}}
