with source as (
    select * from {{ source('bdc', 'chargements') }}
),

final as (
    select
        annee_scolaire,
        load_id,
        table_bdc,
        fichier,
        lignes_lues,
        lignes_chargees,
        lignes_ecartees,
        valeurs_videes
    from source
)

select * from final
