{#- The posts that count for the school year of their drop: open period meeting it. -#}
with postes as (
    select * from {{ ref('stg_bdc__postes') }}
    where {{ dans_annees() }}
),

structures as (
    select * from {{ ref('stg_bdc__structures') }}
    where {{ dans_annees() }}
),

final as (
    select
        postes.annee_scolaire,
        postes.poste_id,
        postes.structure_id,
        structures.territoire_code,
        postes.fonction_code,
        postes.fonction_code = 'ALSES' as est_alses,
        postes.est_plan_pauvrete,
        postes.debut_date,
        postes.fin_date,
        postes.debut_date <= {{ annee_fin('postes.annee_scolaire') }}
        and (
            postes.fin_date is null
            or postes.fin_date >= {{ annee_debut('postes.annee_scolaire') }}
        ) as est_ouvert
    from postes
    left join structures
        on
            postes.annee_scolaire = structures.annee_scolaire
            and postes.structure_id = structures.structure_id
)

select * from final
