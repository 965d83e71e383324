{{
    bridge(
        'int_actions_unifiees',
        ['annee_scolaire', 'action_id'],
        'objectifs',
        'objectif',
        'objectif_code'
    )
}}
