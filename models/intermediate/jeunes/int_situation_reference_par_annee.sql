{#- The reference situation of each jeune for the school year of the drop: the last
    version dated on or before 31 August; on the same day, the greater situation_id. -#}
with situations as (
    select * from {{ ref('int_situations_historisees') }}
    where {{ dans_annees() }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by annee_scolaire, jeune_key
            order by valid_from desc, situation_id desc
        ) as rang
    from situations
    where valid_from <= {{ annee_fin('annee_scolaire') }}
),

final as (
    select
        annee_scolaire,
        jeune_key,
        situation_id,
        valid_from as situation_date,
        scolarite_code,
        college_uai,
        classe_code,
        hebergement_code,
        configuration_familiale_code,
        situation_professionnelle_code,
        diplome_code
    from ranked
    where rang = 1
)

select * from final
