{#- The October audit's blocking anomalies (models/controle/controle_annee.sql): a
    warning in dbt and in Dagster (the asset check of controle_annee); the gate
    (alses/controle.py) is what stops the publication, with the coordinator's
    acceptance. -#}
{{ config(severity='warn') }}

select annee_scolaire, controle, niveau, objet_id, objet_libelle, valeur, valeur_reference
from {{ ref('controle_annee') }}
where est_bloquant
