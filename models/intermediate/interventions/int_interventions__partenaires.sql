{{
    bridge(
        'stg_bdc__interventions',
        ['annee_scolaire', 'intervention_id'],
        'partenaires',
        value_name='partenaire_id'
    )
}}
