with source as (
    select * from {{ source('bdc', 'colleges') }}
),

final as (
    select
        annee_scolaire,
        college_uai,
        nom as college_nom,
        commune,
        territoire__code as territoire_code,
        education_prioritaire__code as education_prioritaire_code
    from source
)

select * from final
