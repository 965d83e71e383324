with source as (
    select * from {{ source('bdc', 'postes') }}
),

final as (
    select
        annee_scolaire,
        poste_id,
        structure_id,
        {{ bdc_code('fonction', 'fonction_poste') }} as fonction_code,
        {{ bdc_oui('plan_pauvrete') }} as est_plan_pauvrete,
        colleges_uai,
        {{ parse_bdc_date('date_debut') }} as debut_date,
        {{ parse_bdc_date('date_fin') }} as fin_date
    from source
)

select * from final
