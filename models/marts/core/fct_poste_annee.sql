{{ config(materialized='incremental') }}

{#- One row per post open during the school year of its drop. -#}
with postes as (
    select * from {{ ref('int_postes_par_annee') }}
    where {{ dans_annees() }}
),

final as (
    select
        annee_scolaire,
        poste_id,
        structure_id,
        territoire_code,
        fonction_code,
        est_alses,
        est_plan_pauvrete
    from postes
    where est_ouvert
)

select * from final
