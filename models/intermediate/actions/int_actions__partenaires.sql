{{
    bridge(
        'int_actions_unifiees',
        ['annee_scolaire', 'action_id'],
        'partenaires',
        value_name='partenaire_id'
    )
}}
