-- Le taux de renseignement de chaque champ, par territoire (ALSES).
select
    territoire_code,
    modalite as champ,
    round(valeur, 1) as pct
from {{ ref('indicateurs').include(database=False) }}
where
    indicateur = 'taux_renseignement'
    and perimetre = 'ALSES'
    and annee_scolaire = '{{ var("annee_scolaire", "2021-2022") }}'
order by champ, territoire_code
