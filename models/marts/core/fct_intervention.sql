{#- One row per fiche Intervention dated in the school year of its drop. ALSES scope:
    est_alses (written by an ALSES post); territory: the post's structure. -#}
with interventions as (
    select * from {{ ref('int_interventions_enrichies') }}
),

objectifs as (
    select distinct
        annee_scolaire,
        intervention_id
    from {{ ref('int_interventions__objectifs') }}
),

membres as (
    select distinct
        annee_scolaire,
        intervention_id
    from {{ ref('int_interventions__membres_famille') }}
),

objectifs_famille as (
    select distinct
        annee_scolaire,
        intervention_id
    from {{ ref('int_interventions__objectifs_famille') }}
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
        objectifs.intervention_id is not null as a_objectif,
        membres.intervention_id is not null as a_membre_famille,
        objectifs_famille.intervention_id is not null as a_objectif_famille
    from interventions
    left join objectifs
        on
            interventions.annee_scolaire = objectifs.annee_scolaire
            and interventions.intervention_id = objectifs.intervention_id
    left join membres
        on
            interventions.annee_scolaire = membres.annee_scolaire
            and interventions.intervention_id = membres.intervention_id
    left join objectifs_famille
        on
            interventions.annee_scolaire = objectifs_famille.annee_scolaire
            and interventions.intervention_id = objectifs_famille.intervention_id
)

select * from final
