{#- One row per intervention and category mobilised (catalogue, chapter 3):
    FAMILLE, PARTENAIRES, DISPOSITIFS_INTERNES when mobilised; JEUNE when the jeune was
    present and none of the others was. An intervention with none yields no row. -#}
with interventions as (
    select * from {{ ref('int_interventions_enrichies') }}
    where {{ dans_annees() }}
),

flags as (
    select
        annee_scolaire,
        intervention_id,
        coalesce(est_jeune_present, false) as est_jeune_present,
        a_membre_famille as a_famille,
        a_partenaire as a_partenaires,
        a_dispositif as a_dispositifs
    from interventions
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
