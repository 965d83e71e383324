with source as (
    select * from {{ source('bdc', 'actions_participants') }}
),

final as (
    select
        annee_scolaire,
        action_id,
        {{ jeune_key('usager_id') }} as jeune_key
    from source
)

select * from final
