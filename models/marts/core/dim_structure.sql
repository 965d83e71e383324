{#- Current description of each structure of Prévention Spécialisée: from the latest
    drop holding it (its name is what the territory sheets print). -#}
with structures as (
    select * from {{ ref('stg_bdc__structures') }}
),

latest as (
    select
        *,
        row_number() over (partition by structure_id order by annee_scolaire desc) as rang
    from structures
),

final as (
    select
        structure_id,
        structure_nom,
        territoire_code,
        annee_scolaire as derniere_annee_scolaire
    from latest
    where rang = 1
)

select * from final
