{{ config(materialized='incremental') }}

{#- One row per fiche Intervention dated in the school year of its drop. ALSES scope:
    est_alses (written by an ALSES post); territory: the post's structure. -#}
with interventions as (
    select * from {{ ref('int_interventions_enrichies') }}
    where {{ dans_annees() }}
),

final as (
    select
        interventions.annee_scolaire,
        interventions.intervention_id,
        interventions.jeune_key,
        interventions.poste_id,
        interventions.structure_id,
        interventions.territoire_code,
        interventions.est_alses,
        interventions.intervention_date,
        interventions.duree_minutes,
        interventions.est_jeune_present,
        interventions.lieu_code,
        interventions.a_objectif,
        interventions.a_membre_famille,
        interventions.a_objectif_famille
    from interventions
)

select * from final
