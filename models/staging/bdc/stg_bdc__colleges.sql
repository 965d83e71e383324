with source as (
    select * from {{ source('bdc', 'colleges') }}
),

final as (
    select
        annee_scolaire,
        college_uai,
        nom as college_nom,
        commune,
        {{ bdc_code('territoire', 'territoire') }} as territoire_code,
        {{ bdc_code('education_prioritaire', 'education_prioritaire') }}
            as education_prioritaire_code
    from source
)

select * from final
