{#- Companion of marts.indicateurs: the catalogue of indicators and modalities, with
    families and display order (join on indicateur, modalite). -#}
with catalogue as (
    select * from {{ ref('int_catalogue_modalites') }}
),

final as (
    select
        indicateur,
        indicateur_libelle,
        famille,
        unite,
        est_alses_seulement,
        indicateur_ordre,
        definition,
        population,
        modalite,
        modalite_libelle,
        modalite_ordre
    from catalogue
)

select * from final
