with source as (
    select * from {{ source('bdc', 'actions_ponctuelles') }}
),

final as (
    select
        annee_scolaire,
        action_id,
        'PONCTUELLE' as action_nature,
        structure_id,
        poste_id,
        {{ parse_bdc_date('date_action') }} as debut_date,
        {{ parse_bdc_date('date_action') }} as fin_date,
        {{ bdc_code('type_action', 'type_action') }} as type_action_code,
        {{ bdc_code('thematique', 'thematique') }} as thematique_code,
        {{ bdc_code('initiative', 'initiative') }} as initiative_code,
        partenaires,
        financements,
        objectifs,
        communication,
        cast(nb_participants_non_accompagnes as integer) as nb_participants_non_accompagnes,
        cast(null as varchar) as dispositif_projet,
        cast(null as varchar) as porteur_code
    from source
)

select * from final
