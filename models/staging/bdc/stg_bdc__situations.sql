with source as (
    select * from {{ source('bdc', 'situations') }}
),

final as (
    select
        annee_scolaire,
        situation_id,
        {{ jeune_key('usager_id') }} as jeune_key,
        date_situation__date as situation_date,
        scolarite__code as scolarite_code,
        college_uai,
        classe__code as classe_code,
        hebergement__code as hebergement_code,
        mesures__codes as mesures,
        aides_financieres__codes as aides_financieres,
        configuration_familiale__code as configuration_familiale_code,
        ressources_familiales__codes as ressources_familiales,
        situation_professionnelle__code as situation_professionnelle_code,
        diplome__code as diplome_code
    from source
)

select * from final
