-- Les territoires où la première thématique de demande (ALSES) n'est pas celle du
-- département.
with premieres as (
    select
        territoire_code,
        territoire_libelle,
        modalite,
        modalite_libelle,
        valeur
    from {{ ref('indicateurs').include(database=False) }}
    where
        indicateur = 'demande_principale'
        and perimetre = 'ALSES'
        and rang = 1
        and annee_scolaire = '{{ var("annee_scolaire", "2021-2022") }}'
)

select
    territoires.territoire_libelle,
    territoires.modalite_libelle,
    round(territoires.valeur, 1) as pct
from premieres as territoires
where
    territoires.territoire_code <> 'NORD'
    and territoires.modalite not in (
        select nord.modalite from premieres as nord
        where nord.territoire_code = 'NORD'
    )
order by territoires.territoire_libelle
