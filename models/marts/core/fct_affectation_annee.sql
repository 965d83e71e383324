{{ config(materialized='incremental') }}

{#- One row per assignment of an educator to a post meeting the school year. -#}
with affectations as (
    select * from {{ ref('int_affectations_par_annee') }}
    where {{ dans_annees() }}
),

final as (
    select
        annee_scolaire,
        poste_id,
        educateur_id,
        debut_texte,
        debut_date,
        fin_date,
        territoire_code,
        est_alses,
        est_plan_pauvrete
    from affectations
)

select * from final
