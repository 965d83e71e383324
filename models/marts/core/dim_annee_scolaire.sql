with annees as (
    select distinct annee_scolaire from {{ ref('stg_bdc__usagers') }}
    union
    select distinct annee_scolaire from {{ ref('stg_bdc__postes') }}
),

final as (
    select
        annee_scolaire,
        {{ annee_debut('annee_scolaire') }} as debut_date,
        {{ annee_fin('annee_scolaire') }} as fin_date,
        {{ annee_1er_janvier('annee_scolaire') }} as premier_janvier_date,
        cast(cast(left(annee_scolaire, 4) as integer) - 1 as varchar)
        || '-' || left(annee_scolaire, 4) as annee_precedente
    from annees
)

select * from final
