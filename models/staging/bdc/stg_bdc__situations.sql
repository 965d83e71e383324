with source as (
    select * from {{ source('bdc', 'situations') }}
),

final as (
    select
        annee_scolaire,
        situation_id,
        {{ jeune_key('usager_id') }} as jeune_key,
        {{ parse_bdc_date('date_situation') }} as situation_date,
        {{ bdc_code('scolarite', 'scolarite') }} as scolarite_code,
        college_uai,
        {{ bdc_code('classe', 'classe') }} as classe_code,
        {{ bdc_code('hebergement', 'hebergement') }} as hebergement_code,
        mesures,
        aides_financieres,
        {{ bdc_code('configuration_familiale', 'configuration_familiale') }}
            as configuration_familiale_code,
        ressources_familiales,
        {{ bdc_code('situation_professionnelle', 'situation_professionnelle') }}
            as situation_professionnelle_code,
        {{ bdc_code('diplome', 'diplome') }} as diplome_code
    from source
)

select * from final
