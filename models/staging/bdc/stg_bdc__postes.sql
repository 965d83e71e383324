with source as (
    select * from {{ source('bdc', 'postes') }}
),

final as (
    select
        annee_scolaire,
        poste_id,
        structure_id,
        fonction__code as fonction_code,
        coalesce(plan_pauvrete__code = 'OUI', false) as est_plan_pauvrete,
        colleges_uai,
        date_debut__date as debut_date,
        date_fin__date as fin_date
    from source
)

select * from final
