{{ config(materialized='incremental') }}

{#- One row per post open during the school year and collège it serves. -#}
with postes as (
    select * from {{ ref('fct_poste_annee') }}
    where {{ dans_annees() }}
),

colleges as (
    select * from {{ ref('int_postes__colleges') }}
    where {{ dans_annees() }}
),

final as (
    select
        postes.annee_scolaire,
        postes.poste_id,
        colleges.college_uai,
        postes.territoire_code,
        postes.est_alses,
        postes.est_plan_pauvrete
    from postes
    inner join colleges
        on
            postes.annee_scolaire = colleges.annee_scolaire
            and postes.poste_id = colleges.poste_id
)

select * from final
