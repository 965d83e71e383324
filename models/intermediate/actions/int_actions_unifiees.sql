with ponctuelles as (
    select * from {{ ref('stg_bdc__actions_ponctuelles') }}
),

collectives as (
    select * from {{ ref('stg_bdc__actions_collectives') }}
),

final as (
    select * from ponctuelles
    union all
    select * from collectives
)

select * from final
