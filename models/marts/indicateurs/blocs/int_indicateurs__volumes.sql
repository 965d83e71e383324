{#- Volumes: jeunes accompagnés, interventions, ALSES posts, educators, collèges. -#}
with jeunes as (
    select * from {{ ref('fct_accompagnement') }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

postes as (
    select
        *,
        'ALSES' as perimetre
    from {{ ref('fct_poste_annee') }}
    where est_alses
),

affectations as (
    select
        *,
        'ALSES' as perimetre
    from {{ ref('fct_affectation_annee') }}
    where est_alses
),

colleges as (
    select
        *,
        'ALSES' as perimetre
    from {{ ref('fct_poste_college') }}
    where est_alses
),

final as (
    {{ numerateur('jeunes_accompagnes', 'jeunes', "'TOTAL'") }}
    union all
    {{ numerateur('interventions', 'interventions', "'TOTAL'") }}
    union all
    {{ numerateur('postes_alses', 'postes', "'TOTAL'") }}
    union all
    {{ numerateur('postes_alses', 'postes', "'PLAN_PAUVRETE'", 'est_plan_pauvrete') }}
    union all
    {{ numerateur('educateurs_alses', 'affectations', "'TOTAL'",
        unit='count(distinct educateur_id)') }}
    union all
    {{ numerateur('educateurs_alses', 'affectations', "'PLAN_PAUVRETE'", 'est_plan_pauvrete',
        unit='count(distinct educateur_id)') }}
    union all
    {{ numerateur('colleges_couverts', 'colleges', "'TOTAL'",
        unit='count(distinct college_uai)') }}
)

select * from final
