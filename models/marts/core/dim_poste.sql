{#- Current description of each post (a post, not a person): from the latest drop.
    Its assignments per school year are in fct_affectation_annee. -#}
with postes as (
    select * from {{ ref('int_postes_par_annee') }}
),

latest as (
    select
        *,
        row_number() over (partition by poste_id order by annee_scolaire desc) as rang
    from postes
),

final as (
    select
        poste_id,
        structure_id,
        territoire_code,
        fonction_code,
        est_alses,
        est_plan_pauvrete,
        debut_date,
        fin_date,
        annee_scolaire as derniere_annee_scolaire
    from latest
    where rang = 1
)

select * from final
