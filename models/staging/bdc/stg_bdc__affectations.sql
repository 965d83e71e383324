with source as (
    select * from {{ source('bdc', 'affectations') }}
),

final as (
    select
        annee_scolaire,
        poste_id,
        educateur_id,
        date_debut as debut_texte,
        {{ parse_bdc_date('date_debut') }} as debut_date,
        {{ parse_bdc_date('date_fin') }} as fin_date
    from source
)

select * from final
