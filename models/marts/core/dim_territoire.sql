with territoires as (
    select * from {{ ref('territoires') }}
),

final as (
    select
        territoire_code,
        territoire_libelle,
        ordre,
        territoire_code = {{ code_departement() }} as est_departement
    from territoires
)

select * from final
