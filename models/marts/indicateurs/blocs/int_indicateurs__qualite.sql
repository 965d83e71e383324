{#- Data quality: the taux de renseignement of each field over its population, at the
    territory and département levels, as numerator and denominator rows (the modality is
    the field). The rates are computed once, in int_qualite__renseignement. -#}
with renseignement as (
    select * from {{ ref('int_qualite__renseignement') }}
    where structure_id is null and {{ dans_annees() }}
),

final as (
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'taux_renseignement' as indicateur,
        objet as modalite,
        numerateur,
        cast(null as bigint) as denominateur
    from renseignement
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'taux_renseignement' as indicateur,
        objet as modalite,
        cast(null as bigint) as numerateur,
        denominateur
    from renseignement
)

select * from final
