-- L'évolution d'une part sur toutes les années chargées : par défaut la part des filles
-- parmi les jeunes ALSES du département. Paramètres : indicateur, modalite, perimetre,
-- territoire_code (--vars).
select
    annee_scolaire,
    numerateur,
    denominateur,
    round(valeur, 1) as pct,
    round(evolution_points, 1) as evolution
from {{ ref('indicateurs').include(database=False) }}
where
    indicateur = '{{ var("indicateur", "sexe") }}'
    and modalite = '{{ var("modalite", "F") }}'
    and perimetre = '{{ var("perimetre", "ALSES") }}'
    and territoire_code = '{{ var("territoire_code", "NORD") }}'
order by annee_scolaire
