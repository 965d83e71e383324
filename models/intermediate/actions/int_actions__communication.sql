{{
    bridge(
        'int_actions_unifiees',
        ['annee_scolaire', 'action_id'],
        'communication',
        'communication',
        'communication_code'
    )
}}
