{#- The extraction's rejections as the marts count them: which table, which column,
    which treatment. Neither the rejected value nor its line pass staging. -#}
with source as (
    select * from {{ source('bdc', 'quarantaine') }}
),

final as (
    select
        annee_scolaire,
        table_bdc,
        colonne,
        traitement
    from source
)

select * from final
