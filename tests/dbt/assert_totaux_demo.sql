{#- The demo drops' volumes (2021-2022), as the report prints them. Error on the demo
    data only (ALSES_DBT_DEMO=oui, set by the dbt asset); a warning on a real export. -#}
{{ config(severity=('error' if env_var('ALSES_DBT_DEMO', 'non') == 'oui' else 'warn')) }}

with attendus as (
    select * from (
        values
        ('ALSES', 'NORD', 'jeunes_accompagnes', 'TOTAL', 2960),
        ('ALSES', 'CAM', 'jeunes_accompagnes', 'TOTAL', 213),
        ('ALSES', 'DOU', 'jeunes_accompagnes', 'TOTAL', 165),
        ('ALSES', 'VAL', 'jeunes_accompagnes', 'TOTAL', 589),
        ('ALSES', 'SAM', 'jeunes_accompagnes', 'TOTAL', 447),
        ('ALSES', 'VNE', 'jeunes_accompagnes', 'TOTAL', 509),
        ('ALSES', 'LIL', 'jeunes_accompagnes', 'TOTAL', 706),
        ('ALSES', 'FLA', 'jeunes_accompagnes', 'TOTAL', 331),
        ('PS', 'NORD', 'jeunes_accompagnes', 'TOTAL', 7261),
        ('ALSES', 'NORD', 'postes_alses', 'TOTAL', 73),
        ('ALSES', 'NORD', 'postes_alses', 'PLAN_PAUVRETE', 32),
        ('ALSES', 'NORD', 'educateurs_alses', 'TOTAL', 75),
        ('ALSES', 'NORD', 'educateurs_alses', 'PLAN_PAUVRETE', 33),
        ('ALSES', 'NORD', 'colleges_couverts', 'TOTAL', 74)
    ) as t (perimetre, territoire_code, indicateur, modalite, attendu)
),

calcules as (
    select * from {{ ref('indicateurs') }}
    where annee_scolaire = '2021-2022'
)

select
    attendus.*,
    calcules.numerateur
from attendus
left join calcules
    on
        attendus.perimetre = calcules.perimetre
        and attendus.territoire_code = calcules.territoire_code
        and attendus.indicateur = calcules.indicateur
        and attendus.modalite = calcules.modalite
where
    calcules.numerateur is distinct from attendus.attendu
    and '2021-2022' in (select annee_scolaire from {{ ref('dim_annee_scolaire') }})
