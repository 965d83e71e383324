{#- One row per intervention and category mobilised (catalogue, chapter 3):
    FAMILLE, PARTENAIRES, DISPOSITIFS_INTERNES when mobilised; JEUNE when the jeune was
    present and none of the others was. An intervention with none yields no row. -#}
with interventions as (
    select * from {{ ref('int_interventions_enrichies') }}
),

membres as (
    select distinct
        annee_scolaire,
        intervention_id
    from {{ ref('int_interventions__membres_famille') }}
),

partenaires as (
    select distinct
        annee_scolaire,
        intervention_id
    from {{ ref('int_interventions__partenaires') }}
),

dispositifs as (
    select distinct
        annee_scolaire,
        intervention_id
    from {{ ref('int_interventions__dispositifs') }}
),

flags as (
    select
        interventions.annee_scolaire,
        interventions.intervention_id,
        coalesce(interventions.est_jeune_present, false) as est_jeune_present,
        membres.intervention_id is not null as a_famille,
        partenaires.intervention_id is not null as a_partenaires,
        dispositifs.intervention_id is not null as a_dispositifs
    from interventions
    left join membres
        on
            interventions.annee_scolaire = membres.annee_scolaire
            and interventions.intervention_id = membres.intervention_id
    left join partenaires
        on
            interventions.annee_scolaire = partenaires.annee_scolaire
            and interventions.intervention_id = partenaires.intervention_id
    left join dispositifs
        on
            interventions.annee_scolaire = dispositifs.annee_scolaire
            and interventions.intervention_id = dispositifs.intervention_id
),

final as (
    select
        annee_scolaire,
        intervention_id,
        'FAMILLE' as categorie
    from flags
    where a_famille
    union all
    select
        annee_scolaire,
        intervention_id,
        'PARTENAIRES' as categorie
    from flags
    where a_partenaires
    union all
    select
        annee_scolaire,
        intervention_id,
        'DISPOSITIFS_INTERNES' as categorie
    from flags
    where a_dispositifs
    union all
    select
        annee_scolaire,
        intervention_id,
        'JEUNE' as categorie
    from flags
    where est_jeune_present and not (a_famille or a_partenaires or a_dispositifs)
)

select * from final
