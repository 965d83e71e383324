{#- The fields of taux_renseignement (catalogue, "Data quality"), defined once:
    field → (fact, population, filled). A field counts as filled when it holds a valid
    value, whatever the other definitions make of it. -#}
{% macro champs_renseignement() -%}
    {{ return([
        ('sexe', 'jeunes', 'true', 'sexe_code is not null'),
        ('date_naissance', 'jeunes', 'true', 'a_date_naissance'),
        ('date_debut_accompagnement', 'jeunes', 'true', 'a_debut_accompagnement'),
        ('origine_demande', 'jeunes', 'true', 'origine_demande_code is not null'),
        ('demande_principale', 'jeunes', 'true', 'demande_principale_code is not null'),
        ('situation', 'jeunes', 'true', 'a_situation'),
        ('scolarite', 'jeunes', 'true', 'scolarite_code is not null'),
        ('hebergement', 'jeunes', 'true', 'hebergement_code is not null'),
        ('configuration_familiale', 'jeunes', 'true', 'configuration_familiale_code is not null'),
        ('ressources_familiales', 'jeunes', 'true', 'a_ressource'),
        ('origine_fonction_etab', 'jeunes', "origine_demande_code = 'PART_ETAB'",
            'origine_fonction_etab_code is not null'),
        ('demande_scolarite', 'jeunes', "demande_principale_code = 'SCOL'",
            'demande_scolarite_code is not null'),
        ('classe', 'jeunes', "scolarite_code = 'COLLEGE'", 'classe_code is not null'),
        ('duree_minutes', 'interventions', 'true', 'duree_minutes is not null'),
        ('jeune_present', 'interventions', 'true', 'est_jeune_present is not null'),
        ('lieu', 'interventions', 'true', 'lieu_code is not null'),
        ('objectifs', 'interventions', 'true', 'a_objectif'),
    ]) }}
{%- endmacro %}
