-- Le classement des territoires sur un indicateur : par défaut la part de la scolarité
-- dans la demande principale des jeunes ALSES. Paramètres : indicateur, modalite,
-- perimetre, annee_scolaire (--vars).
select
    rank() over (order by valeur desc nulls last) as classement,
    territoire_libelle,
    numerateur,
    denominateur,
    round(valeur, 1) as pct
from {{ ref('indicateurs').include(database=False) }}
where
    indicateur = '{{ var("indicateur", "demande_principale") }}'
    and modalite = '{{ var("modalite", "SCOL") }}'
    and perimetre = '{{ var("perimetre", "ALSES") }}'
    and annee_scolaire = '{{ var("annee_scolaire", "2021-2022") }}'
    and territoire_code <> 'NORD'
order by classement, territoire_libelle
