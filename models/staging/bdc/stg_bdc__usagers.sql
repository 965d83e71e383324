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
        date_naissance__date as naissance_date,
        date_naissance__age as age_1er_janvier,
        sexe__code as sexe_code,
        commune_residence,
        date_debut_accompagnement__date as debut_accompagnement_date,
        origine_demande__code as origine_demande_code,
        origine_fonction_etab__code as origine_fonction_etab_code,
        demande_principale__code as demande_principale_code,
        demande_scolarite__code as demande_scolarite_code,
        date_creation__date as creation_date,
        date_modification__date as modification_date
    from source
),

final as (
    select
        *,
        cast(extract(year from naissance_date) as integer) as naissance_annee,
        cast(extract(month from naissance_date) as integer) as naissance_mois,
        cast(
            {{ whole_years('debut_accompagnement_date', annee_fin('annee_scolaire')) }}
            as integer
        ) as anciennete_annees
    from parsed
)

select * from final
