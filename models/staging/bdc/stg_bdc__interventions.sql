with source as (
    select * from {{ source('bdc', 'interventions') }}
),

final as (
    select
        annee_scolaire,
        intervention_id,
        {{ jeune_key('usager_id') }} as jeune_key,
        poste_id,
        {{ parse_bdc_date('date_intervention') }} as intervention_date,
        cast(duree_minutes as integer) as duree_minutes,
        {{ bdc_oui_non('jeune_present') }} as est_jeune_present,
        {{ bdc_code('lieu', 'lieu') }} as lieu_code,
        objectifs,
        membres_famille,
        objectifs_famille,
        partenaires,
        dispositifs_internes
    from source
)

select * from final
