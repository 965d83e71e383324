{#- Interventions of the drop's school year with the intervening post's function and
    territory (the territory of the post's structure). -#}
with interventions as (
    select * from {{ ref('stg_bdc__interventions') }}
),

postes as (
    select * from {{ ref('int_postes_par_annee') }}
),

final as (
    select
        interventions.annee_scolaire,
        interventions.intervention_id,
        interventions.jeune_key,
        interventions.poste_id,
        postes.structure_id,
        postes.territoire_code,
        coalesce(postes.est_alses, false) as est_alses,
        interventions.intervention_date,
        interventions.duree_minutes,
        interventions.est_jeune_present,
        interventions.lieu_code
    from interventions
    inner join postes
        on
            interventions.annee_scolaire = postes.annee_scolaire
            and interventions.poste_id = postes.poste_id
    where
        interventions.intervention_date
        between {{ annee_debut('interventions.annee_scolaire') }}
        and {{ annee_fin('interventions.annee_scolaire') }}
)

select * from final
