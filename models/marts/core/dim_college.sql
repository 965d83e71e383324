{#- Current description of each collège: from the latest drop holding it. -#}
with colleges as (
    select * from {{ ref('stg_bdc__colleges') }}
),

latest as (
    select
        *,
        row_number() over (partition by college_uai order by annee_scolaire desc) as rang
    from colleges
),

final as (
    select
        college_uai,
        college_nom,
        commune,
        territoire_code,
        education_prioritaire_code,
        annee_scolaire as derniere_annee_scolaire
    from latest
    where rang = 1
)

select * from final
