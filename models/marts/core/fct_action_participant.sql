{{ config(materialized='incremental') }}

{#- One row per jeune (pseudonymous) taking part in an action. -#}
with participants as (
    select * from {{ ref('stg_bdc__actions_participants') }}
    where {{ dans_annees() }}
),

actions as (
    select * from {{ ref('fct_action') }}
    where {{ dans_annees() }}
),

final as (
    select
        participants.annee_scolaire,
        participants.action_id,
        participants.jeune_key,
        actions.action_nature,
        actions.territoire_code
    from participants
    inner join actions
        on
            participants.annee_scolaire = actions.annee_scolaire
            and participants.action_id = actions.action_id
)

select * from final
