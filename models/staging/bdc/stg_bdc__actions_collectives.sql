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
        date_debut__date as debut_date,
        date_fin__date as fin_date,
        type_action__code as type_action_code,
        thematique__code as thematique_code,
        initiative__code as initiative_code,
        partenaires,
        financements__codes as financements,
        objectifs__codes as objectifs,
        communication__codes as communication,
        cast(nb_participants_non_accompagnes as integer) as nb_participants_non_accompagnes,
        dispositif_projet,
        porteur__code as porteur_code
    from source
)

select * from final
