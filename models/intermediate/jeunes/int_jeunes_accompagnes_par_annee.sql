{#- Jeunes accompagnés per school year and scope: at least one intervention dated in
    the year (PS); by an ALSES post (ALSES). Territory: the structure holding the fiche
    Usager of the same drop. -#}
with interventions as (
    select * from {{ ref('int_interventions_enrichies') }}
),

usagers as (
    select * from {{ ref('stg_bdc__usagers') }}
),

structures as (
    select * from {{ ref('stg_bdc__structures') }}
),

par_jeune as (
    select
        annee_scolaire,
        jeune_key,
        max(case when est_alses then 1 else 0 end) = 1 as a_intervention_alses,
        count(*) as nb_interventions
    from interventions
    group by annee_scolaire, jeune_key
),

perimetres as (
    select
        annee_scolaire,
        jeune_key,
        'PS' as perimetre,
        nb_interventions
    from par_jeune
    union all
    select
        annee_scolaire,
        jeune_key,
        'ALSES' as perimetre,
        nb_interventions
    from par_jeune
    where a_intervention_alses
),

final as (
    select
        perimetres.annee_scolaire,
        perimetres.jeune_key,
        perimetres.perimetre,
        structures.territoire_code,
        usagers.structure_id,
        usagers.age_1er_janvier,
        usagers.anciennete_annees,
        perimetres.nb_interventions
    from perimetres
    left join usagers
        on
            perimetres.annee_scolaire = usagers.annee_scolaire
            and perimetres.jeune_key = usagers.jeune_key
    left join structures
        on
            usagers.annee_scolaire = structures.annee_scolaire
            and usagers.structure_id = structures.structure_id
)

select * from final
