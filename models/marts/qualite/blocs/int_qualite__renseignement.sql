{#- The taux de renseignement of each field (dbt_project/macros/champs_renseignement.sql),
    computed once: per structure, per territory (structure_id empty) and for the
    département (NORD). Read by qualite_saisie and by marts.indicateurs
    (int_indicateurs__qualite).
    First one row per record of a field's population saying whether the field is
    filled (observations), then one aggregation: `rollup(territoire_code, structure_id)`
    gives the structure rows, the territory rows and the département row in one pass. -#}
with jeunes as (
    {{ avec_perimetres(ref('fct_accompagnement')) }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

observations as (
    {%- for champ, relation, population, rempli in champs_renseignement() %}
        select
            annee_scolaire,
            perimetre,
            territoire_code,
            structure_id,
            '{{ champ }}' as objet,
            {{ rempli }} as est_rempli
        from {{ relation }}
        where {{ population }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        annee_scolaire,
        perimetre,
        {{ territoire_ou_departement() }} as territoire_code,
        structure_id,
        'taux_renseignement' as mesure,
        objet,
        cast(sum(case when est_rempli then 1 else 0 end) as bigint) as numerateur,
        cast(count(*) as bigint) as denominateur
    from observations
    group by annee_scolaire, perimetre, objet, rollup(territoire_code, structure_id)
)

select * from final
