{#- Assignments meeting the school year of their drop (the post's own dates do not
    filter them: entries are often late). -#}
with affectations as (
    select * from {{ ref('stg_bdc__affectations') }}
    where {{ dans_annees() }}
),

postes as (
    select * from {{ ref('int_postes_par_annee') }}
    where {{ dans_annees() }}
),

final as (
    select
        affectations.annee_scolaire,
        affectations.poste_id,
        affectations.educateur_id,
        affectations.debut_texte,
        affectations.debut_date,
        affectations.fin_date,
        postes.territoire_code,
        postes.est_alses,
        postes.est_plan_pauvrete
    from affectations
    inner join postes
        on
            affectations.annee_scolaire = postes.annee_scolaire
            and affectations.poste_id = postes.poste_id
    where
        affectations.debut_date <= {{ annee_fin('affectations.annee_scolaire') }}
        and (
            affectations.fin_date is null
            or affectations.fin_date >= {{ annee_debut('affectations.annee_scolaire') }}
        )
)

select * from final
