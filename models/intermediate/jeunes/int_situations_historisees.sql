{#- Each version of a jeune's situation with the period it holds, within one drop. -#}
with situations as (
    select * from {{ ref('stg_bdc__situations') }}
    where {{ dans_annees() }}
),

ordered as (
    select
        *,
        lead(situation_date) over (
            partition by annee_scolaire, jeune_key
            order by situation_date, situation_id
        ) as next_date
    from situations
    where situation_date is not null
),

final as (
    select
        annee_scolaire,
        situation_id,
        jeune_key,
        situation_date as valid_from,
        case
            when next_date is null then null
            when next_date = situation_date then situation_date
            else next_date - 1
        end as valid_to,
        scolarite_code,
        college_uai,
        classe_code,
        hebergement_code,
        configuration_familiale_code,
        situation_professionnelle_code,
        diplome_code
    from ordered
)

select * from final
