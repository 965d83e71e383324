with source as (
    select * from {{ source('bdc', 'structures') }}
),

final as (
    select
        annee_scolaire,
        structure_id,
        nom as structure_nom,
        {{ bdc_code('territoire', 'territoire') }} as territoire_code
    from source
)

select * from final
