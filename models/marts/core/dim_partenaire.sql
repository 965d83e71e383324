{#- Current description of each partner: from the latest drop holding it. -#}
with partenaires as (
    select * from {{ ref('stg_bdc__partenaires') }}
),

nomenclatures as (
    select * from {{ ref('nomenclatures') }}
),

latest as (
    select
        *,
        row_number() over (partition by partenaire_id order by annee_scolaire desc) as rang
    from partenaires
),

final as (
    select
        latest.partenaire_id,
        latest.partenaire_nom,
        latest.type_partenaire_code,
        nomenclatures.groupe as type_partenaire_groupe,
        latest.territoire_code,
        latest.territoire_code is null as est_hors_departement,
        latest.college_uai,
        latest.annee_scolaire as derniere_annee_scolaire
    from latest
    left join nomenclatures
        on
            nomenclatures.field = 'type_partenaire'
            and latest.type_partenaire_code = nomenclatures.code
    where latest.rang = 1
)

select * from final
