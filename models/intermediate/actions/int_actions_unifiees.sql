with ponctuelles as (
    select * from {{ ref('stg_bdc__actions_ponctuelles') }}
    where {{ dans_annees() }}
),

collectives as (
    select * from {{ ref('stg_bdc__actions_collectives') }}
    where {{ dans_annees() }}
),

final as (
    select * from ponctuelles
    union all
    select * from collectives
)

select * from final
