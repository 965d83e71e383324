{#- Chapter 1, the jeunes: one row per jeune accompagné (fct_accompagnement), measures
    and aids from the reference situation's bridges. -#}
with jeunes as (
    select * from {{ ref('fct_accompagnement') }}
),

mesures as (
    select * from {{ ref('fct_accompagnement_mesure') }}
),

aides as (
    select * from {{ ref('fct_accompagnement_aide_financiere') }}
),

final as (
    {{ distribution('sexe', 'jeunes', 'sexe_code') }}
    union all
    {{ distribution('age', 'jeunes', 'age_modalite') }}
    union all
    {{ distribution('classe_age', 'jeunes', 'classe_age') }}
    union all
    {{ distribution('classe', 'jeunes', 'classe_code') }}
    union all
    {{ distribution('anciennete', 'jeunes', 'anciennete_modalite') }}
    union all
    {{ distribution('hebergement', 'jeunes', 'hebergement_code') }}
    union all
    {{ numerateur('mesure_connue', 'jeunes', "'OUI'", 'a_mesure') }}
    union all
    {{ denominateur('mesure_connue', 'jeunes') }}
    union all
    {{ numerateur('mesure_groupe', 'mesures', 'mesure_groupe',
        unit='count(distinct jeune_key)') }}
    union all
    {{ denominateur('mesure_groupe', 'jeunes', 'a_mesure') }}
    union all
    {{ numerateur('mesure', 'mesures', 'mesure_code') }}
    union all
    {{ denominateur('mesure', 'jeunes', 'a_mesure') }}
    union all
    {{ numerateur('aide_financiere_connue', 'jeunes', "'OUI'", 'a_aide_financiere') }}
    union all
    {{ denominateur('aide_financiere_connue', 'jeunes') }}
    union all
    {{ numerateur('aide_financiere', 'aides', 'aide_financiere_code') }}
    union all
    {{ denominateur('aide_financiere', 'jeunes', 'a_aide_financiere') }}
)

select * from final
