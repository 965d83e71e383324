{#- Volumes: jeunes accompagnés, interventions, ALSES posts, educators, collèges.
    Each counted unit is one row, named by its identifier (`unite`); then one
    aggregation where `rollup(territoire_code)` gives the territory rows and the
    département row. A unit counts once per cell: `count(distinct unite)`, so an
    educator who moved territory during the year counts in each territory and once in
    the département. Posts, educators and collèges are ALSES only. -#}
with jeunes as (
    {{ avec_perimetres(ref('fct_accompagnement')) }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

postes as (
    select * from {{ ref('fct_poste_annee') }}
    where est_alses and {{ dans_annees() }}
),

affectations as (
    select * from {{ ref('fct_affectation_annee') }}
    where est_alses and {{ dans_annees() }}
),

colleges as (
    select * from {{ ref('fct_poste_college') }}
    where est_alses and {{ dans_annees() }}
),

-- One row per counted unit, with its modality (TOTAL, or PLAN_PAUVRETE for the part
-- of the posts financed by the plan pauvreté).
unites as (
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'jeunes_accompagnes' as indicateur,
        'TOTAL' as modalite,
        jeune_key as unite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'interventions' as indicateur,
        'TOTAL' as modalite,
        intervention_id as unite
    from interventions
    union all
    select
        annee_scolaire,
        'ALSES' as perimetre,
        territoire_code,
        'postes_alses' as indicateur,
        'TOTAL' as modalite,
        poste_id as unite
    from postes
    union all
    select
        annee_scolaire,
        'ALSES' as perimetre,
        territoire_code,
        'postes_alses' as indicateur,
        'PLAN_PAUVRETE' as modalite,
        poste_id as unite
    from postes
    where est_plan_pauvrete
    union all
    select
        annee_scolaire,
        'ALSES' as perimetre,
        territoire_code,
        'educateurs_alses' as indicateur,
        'TOTAL' as modalite,
        educateur_id as unite
    from affectations
    union all
    select
        annee_scolaire,
        'ALSES' as perimetre,
        territoire_code,
        'educateurs_alses' as indicateur,
        'PLAN_PAUVRETE' as modalite,
        educateur_id as unite
    from affectations
    where est_plan_pauvrete
    union all
    select
        annee_scolaire,
        'ALSES' as perimetre,
        territoire_code,
        'colleges_couverts' as indicateur,
        'TOTAL' as modalite,
        college_uai as unite
    from colleges
),

final as (
    select
        annee_scolaire,
        perimetre,
        {{ territoire_ou_departement() }} as territoire_code,
        indicateur,
        cast(modalite as varchar) as modalite,
        cast(count(distinct unite) as bigint) as numerateur,
        cast(null as bigint) as denominateur
    from unites
    group by annee_scolaire, perimetre, indicateur, modalite, rollup(territoire_code)
)

select * from final
