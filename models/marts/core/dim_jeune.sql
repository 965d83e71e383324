{#- One row per jeune, known by a pseudonymous key only. Current attributes come from
    the latest drop holding the fiche Usager; no name, address, handle or exact birth
    date ever reaches this model. -#}
with usagers as (
    select * from {{ ref('stg_bdc__usagers') }}
),

structures as (
    select * from {{ ref('stg_bdc__structures') }}
),

latest as (
    select
        usagers.*,
        structures.territoire_code,
        min(usagers.annee_scolaire) over (partition by usagers.jeune_key)
            as premiere_annee_scolaire,
        row_number() over (
            partition by usagers.jeune_key order by usagers.annee_scolaire desc
        ) as rang
    from usagers
    left join structures
        on
            usagers.annee_scolaire = structures.annee_scolaire
            and usagers.structure_id = structures.structure_id
),

final as (
    select
        jeune_key,
        sexe_code,
        naissance_annee,
        naissance_mois,
        commune_residence,
        territoire_code,
        premiere_annee_scolaire,
        annee_scolaire as derniere_annee_scolaire
    from latest
    where rang = 1
)

select * from final
