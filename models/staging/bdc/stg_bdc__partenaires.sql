with source as (
    select * from {{ source('bdc', 'partenaires') }}
),

final as (
    select
        annee_scolaire,
        partenaire_id,
        nom as partenaire_nom,
        {{ bdc_code('type', 'type_partenaire') }} as type_partenaire_code,
        {{ bdc_code('territoire', 'territoire') }} as territoire_code,
        college_uai
    from source
)

select * from final
