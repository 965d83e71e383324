{{ config(materialized='incremental') }}

{#- One row per distinct (intervention, partner) pair, on or off the territory of the
    intervening post. -#}
with mobilisations as (
    select * from {{ ref('int_mobilisations_partenaires') }}
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
        mobilisations.partenaire_id,
        mobilisations.territoire_code,
        interventions.est_alses,
        mobilisations.est_sur_territoire,
        mobilisations.partenaire_territoire_code,
        mobilisations.type_partenaire_code,
        mobilisations.type_partenaire_groupe
    from mobilisations
    inner join interventions
        on
            mobilisations.annee_scolaire = interventions.annee_scolaire
            and mobilisations.intervention_id = interventions.intervention_id
)

select * from final
