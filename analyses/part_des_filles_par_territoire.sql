-- La part des filles (ALSES) par territoire, avec l'évolution depuis l'année précédente.
select
    territoire_libelle,
    round(valeur, 1) as pct,
    round(evolution_points, 1) as evolution
from {{ ref('indicateurs').include(database=False) }}
where
    indicateur = 'sexe'
    and modalite = 'F'
    and perimetre = 'ALSES'
    and annee_scolaire = '{{ var("annee_scolaire", "2021-2022") }}'
order by territoire_code
