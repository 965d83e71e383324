with source as (
    select * from {{ source('bdc', 'structures') }}
),

final as (
    select
        annee_scolaire,
        structure_id,
        nom as structure_nom,
        territoire__code as territoire_code
    from source
)

select * from final
