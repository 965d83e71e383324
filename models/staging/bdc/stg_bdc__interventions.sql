with source as (
    select * from {{ source('bdc', 'interventions') }}
),

final as (
    select
        annee_scolaire,
        intervention_id,
        {{ jeune_key('usager_id') }} as jeune_key,
        poste_id,
        date_intervention__date as intervention_date,
        cast(duree_minutes as integer) as duree_minutes,
        (jeune_present__code = 'OUI') as est_jeune_present,
        lieu__code as lieu_code,
        objectifs__codes as objectifs,
        membres_famille__codes as membres_famille,
        objectifs_famille__codes as objectifs_famille,
        partenaires,
        dispositifs_internes__codes as dispositifs_internes
    from source
)

select * from final
