{{ config(materialized='incremental') }}

{#- One row per intervention and category mobilised (JEUNE, FAMILLE, PARTENAIRES,
    DISPOSITIFS_INTERNES). -#}
with mobilisations as (
    select * from {{ ref('int_interventions_mobilisations') }}
    where {{ dans_annees() }}
),

interventions as (
    select * from {{ ref('fct_intervention') }}
    where {{ dans_annees() }}
),

final as (
    select
        mobilisations.annee_scolaire,
        mobilisations.intervention_id,
        mobilisations.categorie,
        interventions.territoire_code,
        interventions.est_alses
    from mobilisations
    inner join interventions
        on
            mobilisations.annee_scolaire = interventions.annee_scolaire
            and mobilisations.intervention_id = interventions.intervention_id
)

select * from final
