{#- The shares of chapters 1 (the jeunes), 2 (the families) and 3 (the follow-ups):
    numerators (by modality) and denominators (modality `*`), by scope, territory and
    département: the counted units of int_indicateurs__unites, one aggregation for each
    count, where `rollup(territoire_code)` gives the territory rows and the département
    row. -#}
with unites as (
    select * from {{ ref('int_indicateurs__unites') }}
    where {{ dans_annees() }}
),

numerateurs as (
    select
        annee_scolaire,
        perimetre,
        {{ territoire_ou_departement() }} as territoire_code,
        indicateur,
        cast(modalite as varchar) as modalite,
        cast(count(*) as bigint) as numerateur,
        cast(null as bigint) as denominateur
    from unites
    where role = 'numerateur'
    group by annee_scolaire, perimetre, indicateur, modalite, rollup(territoire_code)
),

denominateurs as (
    select
        annee_scolaire,
        perimetre,
        {{ territoire_ou_departement() }} as territoire_code,
        indicateur,
        '*' as modalite,
        cast(null as bigint) as numerateur,
        cast(count(*) as bigint) as denominateur
    from unites
    where role = 'denominateur'
    group by annee_scolaire, perimetre, indicateur, rollup(territoire_code)
),

final as (
    select * from numerateurs
    union all
    select * from denominateurs
)

select * from final
