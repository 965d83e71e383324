{#- The taux de renseignement of each field (dbt_project/macros/champs_renseignement.sql),
    computed once: per structure, per territory (structure_id empty) and for the
    département (NORD). Read by qualite_saisie and by marts.indicateurs
    (int_indicateurs__qualite). -#}
with jeunes as (
    select * from {{ ref('fct_accompagnement') }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

final as (
    {%- set niveaux_qualite = [
        ('territoire_code', 'structure_id', ['territoire_code', 'structure_id']),
        ('territoire_code', 'cast(null as varchar)', ['territoire_code']),
        (code_departement(), 'cast(null as varchar)', []),
    ] %}
    {% for champ, relation, population, rempli in champs_renseignement() %}
        {% set champ_loop = loop %}
        {% for territoire, structure, colonnes in niveaux_qualite %}
            select
                annee_scolaire,
                perimetre,
                {{ territoire }},
                {{ structure }},
                'taux_renseignement' as mesure,
                '{{ champ }}' as objet,
                cast(sum(case when {{ rempli }} then 1 else 0 end) as bigint) as numerateur,
                cast(count(*) as bigint) as denominateur
            from {{ relation }}
            where {{ population }}
            group by {{ (['annee_scolaire', 'perimetre'] + colonnes) | join(', ') }}
            {% if not (loop.last and champ_loop.last) %}union all{% endif %}
        {% endfor %}
    {% endfor %}
)

select * from final
