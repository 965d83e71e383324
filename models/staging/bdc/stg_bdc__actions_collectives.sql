with source as (
    select * from {{ source('bdc', 'actions_collectives') }}
),

final as (
    select
        annee_scolaire,
        action_id,
        'COLLECTIVE' as action_nature,
        structure_id,
        poste_id,
        {{ parse_bdc_date('date_debut') }} as debut_date,
        {{ parse_bdc_date('date_fin') }} as fin_date,
        {{ bdc_code('type_action', 'type_action') }} as type_action_code,
        {{ bdc_code('thematique', 'thematique') }} as thematique_code,
        {{ bdc_code('initiative', 'initiative') }} as initiative_code,
        partenaires,
        financements,
        objectifs,
        communication,
        cast(nb_participants_non_accompagnes as integer) as nb_participants_non_accompagnes,
        dispositif_projet,
        {{ bdc_code('porteur', 'porteur') }} as porteur_code
    from source
)

select * from final
