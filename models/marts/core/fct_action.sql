{{ config(materialized='incremental') }}

{#- One row per action (ponctuelle or collective) starting in the school year. -#}
with actions as (
    select * from {{ ref('int_actions_unifiees') }}
    where {{ dans_annees() }}
),

structures as (
    select * from {{ ref('stg_bdc__structures') }}
    where {{ dans_annees() }}
),

participants as (
    select
        annee_scolaire,
        action_id,
        count(*) as nb_participants_accompagnes
    from {{ ref('stg_bdc__actions_participants') }}
    where {{ dans_annees() }}
    group by annee_scolaire, action_id
),

final as (
    select
        actions.annee_scolaire,
        actions.action_id,
        actions.action_nature,
        actions.structure_id,
        structures.territoire_code,
        actions.poste_id,
        actions.debut_date,
        actions.fin_date,
        actions.type_action_code,
        actions.thematique_code,
        actions.initiative_code,
        actions.porteur_code,
        actions.dispositif_projet,
        coalesce(participants.nb_participants_accompagnes, 0) as nb_participants_accompagnes,
        actions.nb_participants_non_accompagnes
    from actions
    left join structures
        on
            actions.annee_scolaire = structures.annee_scolaire
            and actions.structure_id = structures.structure_id
    left join participants
        on
            actions.annee_scolaire = participants.annee_scolaire
            and actions.action_id = participants.action_id
)

select * from final
