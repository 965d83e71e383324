{#- Every (indicator, modality) of the catalogue with its French labels, so that the
    analysts' table has a row for every modality, empty ones included. The seed
    `indicateurs_catalogue` says where the modalities of each indicator come from:
    `nomenclature:<field>`, `groupe:<field>`, `sous_groupe:<field>`,
    `codes_du_groupe:<field>:<groupe>`, or `fixe` (seed `modalites_fixes`).
    No school year: a table rebuilt whole (its blocs/ siblings are incremental). -#}
{{ config(materialized='table') }}

with indicateurs as (
    select
        *,
        split_part(modalites, ':', 1) as source_kind,
        split_part(modalites, ':', 2) as source_field,
        split_part(modalites, ':', 3) as source_groupe
    from {{ ref('indicateurs_catalogue') }}
),

nomenclatures as (
    select
        *,
        row_number() over (partition by field order by code) as ordre
    from {{ ref('nomenclatures') }}
),

groupes as (
    select * from {{ ref('libelles_groupes') }}
),

fixes as (
    select * from {{ ref('modalites_fixes') }}
),

modalites as (
    select
        indicateurs.indicateur,
        nomenclatures.code as modalite,
        nomenclatures.label as modalite_libelle,
        nomenclatures.ordre
    from indicateurs
    inner join nomenclatures
        on
            indicateurs.source_field = nomenclatures.field
            and (
                indicateurs.source_kind = 'nomenclature'
                or (
                    indicateurs.source_kind = 'codes_du_groupe'
                    and indicateurs.source_groupe = nomenclatures.groupe
                )
            )
    union all
    select
        indicateurs.indicateur,
        groupes.groupe as modalite,
        groupes.groupe_libelle as modalite_libelle,
        groupes.ordre
    from indicateurs
    inner join groupes
        on indicateurs.source_field = groupes.field
    where
        (
            indicateurs.source_kind = 'groupe'
            and groupes.groupe in (
                select nomenclatures.groupe from nomenclatures
                where nomenclatures.field = indicateurs.source_field
            )
        )
        or (
            indicateurs.source_kind = 'sous_groupe'
            and groupes.groupe in (
                select nomenclatures.sous_groupe from nomenclatures
                where nomenclatures.field = indicateurs.source_field
            )
        )
    union all
    select
        fixes.indicateur,
        fixes.modalite,
        fixes.modalite_libelle,
        fixes.ordre
    from fixes
),

final as (
    select
        indicateurs.indicateur,
        indicateurs.indicateur_libelle,
        indicateurs.famille,
        indicateurs.unite,
        indicateurs.alses_seulement = 'oui' as est_alses_seulement,
        indicateurs.ordre as indicateur_ordre,
        indicateurs.definition,
        indicateurs.population,
        modalites.modalite,
        modalites.modalite_libelle,
        modalites.ordre as modalite_ordre
    from indicateurs
    inner join modalites
        on indicateurs.indicateur = modalites.indicateur
)

select * from final
