{#- Data quality: taux de renseignement of each field over its population. -#}
with jeunes as (
    select * from {{ ref('fct_accompagnement') }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

final as (
    {% for champ, relation, population, rempli in champs_renseignement() %}
        {{ numerateur('taux_renseignement', relation, "'" ~ champ ~ "'",
            '(' ~ population ~ ') and (' ~ rempli ~ ')') }}
        union all
        {{ denominateur('taux_renseignement', relation, population,
            modalite="'" ~ champ ~ "'") }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
