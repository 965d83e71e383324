-- Le taux de renseignement de chaque champ par structure (ALSES) : ce que les
-- coordinateurs renvoient aux associations, le moins renseigné d'abord.
select
    structure_id,
    territoire_code,
    objet as champ,
    numerateur,
    denominateur,
    round(valeur, 1) as pct
from {{ ref('qualite_saisie').include(database=False) }}
where
    mesure = 'taux_renseignement'
    and perimetre = 'ALSES'
    and structure_id is not null
    and annee_scolaire = '{{ var("annee_scolaire", "2021-2022") }}'
order by pct, structure_id, champ
