-- La demande principale des jeunes ALSES, au niveau du département, comme le graphique
-- du rapport. Paramètre : --vars '{annee_scolaire: 2021-2022}'.
select
    modalite_libelle,
    numerateur,
    denominateur,
    round(valeur, 1) as pct,
    rang
from {{ ref('indicateurs').include(database=False) }}
where
    indicateur = 'demande_principale'
    and annee_scolaire = '{{ var("annee_scolaire", "2021-2022") }}'
    and perimetre = 'ALSES'
    and territoire_code = 'NORD'
order by rang
