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
        traitement,
        -- the kind of rejection the October audit counts (models/controle/)
        case
            when motif like 'date hors de l''année scolaire%' then 'hors_annee'
            when motif like 'libellé inconnu%' then 'libelle_inconnu'
            else 'autre'
        end as motif_type
    from source
)

select * from final
