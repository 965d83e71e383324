{#- Interventions of the drop's school year with the intervening post's function and
    territory (the territory of the post's structure), and, computed once here, whether
    each multi-valued field holds at least one valid item. -#}
with interventions as (
    select * from {{ ref('stg_bdc__interventions') }}
    where {{ dans_annees() }}
),

postes as (
    select * from {{ ref('int_postes_par_annee') }}
    where {{ dans_annees() }}
),

{%- set bridges = {
    'objectif': 'int_interventions__objectifs',
    'membre_famille': 'int_interventions__membres_famille',
    'objectif_famille': 'int_interventions__objectifs_famille',
    'partenaire': 'int_interventions__partenaires',
    'dispositif': 'int_interventions__dispositifs',
} %}
{% for flag, model in bridges.items() %}
    {{ flag }} as (
        select distinct
            annee_scolaire,
            intervention_id
        from {{ ref(model) }}
        where {{ dans_annees() }}
    ),
{% endfor %}

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
        {% for flag in bridges %}
            {{ flag }}.intervention_id is not null as a_{{ flag }},
        {% endfor %}
        interventions.lieu_code
    from interventions
    inner join postes
        on
            interventions.annee_scolaire = postes.annee_scolaire
            and interventions.poste_id = postes.poste_id
    {% for flag in bridges %}
        left join {{ flag }}
            on
                interventions.annee_scolaire = {{ flag }}.annee_scolaire
                and interventions.intervention_id = {{ flag }}.intervention_id
    {% endfor %}
    where
        interventions.intervention_date
        between {{ annee_debut('interventions.annee_scolaire') }}
        and {{ annee_fin('interventions.annee_scolaire') }}
)

select * from final
