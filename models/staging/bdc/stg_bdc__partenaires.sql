with source as (
    select * from {{ source('bdc', 'partenaires') }}
),

final as (
    select
        annee_scolaire,
        partenaire_id,
        nom as partenaire_nom,
        type__code as type_partenaire_code,
        territoire__code as territoire_code,
        college_uai
    from source
)

select * from final
