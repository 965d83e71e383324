{#- Chapter 2, the families: configuration and resources of the reference situation. -#}
with jeunes as (
    select * from {{ ref('fct_accompagnement') }}
),

ressources as (
    select * from {{ ref('fct_accompagnement_ressource') }}
),

final as (
    {{ distribution('configuration_familiale', 'jeunes', 'configuration_familiale_code') }}
    union all
    {{ numerateur('ressource', 'ressources', 'ressource_code') }}
    union all
    {{ denominateur('ressource', 'jeunes', 'a_ressource') }}
    union all
    {{ numerateur('ressources_sans_salaire', 'jeunes', "'OUI'",
        'a_ressource and not a_salaire') }}
    union all
    {{ denominateur('ressources_sans_salaire', 'jeunes', 'a_ressource') }}
)

select * from final
