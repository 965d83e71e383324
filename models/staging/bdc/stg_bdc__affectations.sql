with source as (
    select * from {{ source('bdc', 'affectations') }}
),

final as (
    select
        annee_scolaire,
        poste_id,
        educateur_id,
        date_debut as debut_texte,
        date_debut__date as debut_date,
        date_fin__date as fin_date
    from source
)

select * from final
