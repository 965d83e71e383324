{#- The only model holding usager_id and the exact birth date: everything downstream
    uses jeune_key, birth year and month, and ages. -#}
with source as (
    select * from {{ source('bdc', 'usagers') }}
),

parsed as (
    select
        annee_scolaire,
        usager_id,
        {{ jeune_key('usager_id') }} as jeune_key,
        structure_id,
        {{ parse_bdc_date('date_naissance') }} as naissance_date,
        {{ bdc_code('sexe', 'sexe') }} as sexe_code,
        commune_residence,
        {{ parse_bdc_date('date_debut_accompagnement') }} as debut_accompagnement_date,
        {{ bdc_code('origine_demande', 'origine_demande') }} as origine_demande_code,
        {{ bdc_code('origine_fonction_etab', 'fonction_etablissement') }}
            as origine_fonction_etab_code,
        {{ bdc_code('demande_principale', 'thematique') }} as demande_principale_code,
        {{ bdc_code('demande_scolarite', 'demande_scolarite') }} as demande_scolarite_code,
        {{ parse_bdc_date('date_creation') }} as creation_date,
        {{ parse_bdc_date('date_modification') }} as modification_date
    from source
),

final as (
    select
        *,
        cast(extract(year from naissance_date) as integer) as naissance_annee,
        cast(extract(month from naissance_date) as integer) as naissance_mois,
        cast(
            {{ whole_years('naissance_date', annee_1er_janvier('annee_scolaire')) }} as integer
        ) as age_1er_janvier,
        cast(
            {{ whole_years('debut_accompagnement_date', annee_fin('annee_scolaire')) }}
            as integer
        ) as anciennete_annees
    from parsed
)

select * from final
