{#- Jeunes accompagnés per school year: at least one intervention dated in the year.
    est_alses: at least one of them by an ALSES post (the ALSES scope; PS is every
    row). Territory: the structure holding the fiche Usager of the same drop. -#}
with interventions as (
    select * from {{ ref('int_interventions_enrichies') }}
    where {{ dans_annees() }}
),

usagers as (
    select * from {{ ref('stg_bdc__usagers') }}
    where {{ dans_annees() }}
),

structures as (
    select * from {{ ref('stg_bdc__structures') }}
    where {{ dans_annees() }}
),

par_jeune as (
    select
        annee_scolaire,
        jeune_key,
        max(case when est_alses then 1 else 0 end) = 1 as est_alses,
        count(*) as nb_interventions
    from interventions
    group by annee_scolaire, jeune_key
),

final as (
    select
        par_jeune.annee_scolaire,
        par_jeune.jeune_key,
        par_jeune.est_alses,
        structures.territoire_code,
        usagers.structure_id,
        usagers.age_1er_janvier,
        usagers.anciennete_annees,
        par_jeune.nb_interventions
    from par_jeune
    left join usagers
        on
            par_jeune.annee_scolaire = usagers.annee_scolaire
            and par_jeune.jeune_key = usagers.jeune_key
    left join structures
        on
            usagers.annee_scolaire = structures.annee_scolaire
            and usagers.structure_id = structures.structure_id
)

select * from final
