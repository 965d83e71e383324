{#- Distinct (intervention, partner) pairs, on the territory when the partner's
    territoire is that of the intervening post's structure (empty: outside the
    département, hence hors territoire). -#}
with pairs as (
    select * from {{ ref('int_interventions__partenaires') }}
    where {{ dans_annees() }}
),

interventions as (
    select * from {{ ref('int_interventions_enrichies') }}
    where {{ dans_annees() }}
),

partenaires as (
    select * from {{ ref('stg_bdc__partenaires') }}
    where {{ dans_annees() }}
),

nomenclatures as (
    select * from {{ ref('nomenclatures') }}
),

final as (
    select
        pairs.annee_scolaire,
        pairs.intervention_id,
        pairs.partenaire_id,
        interventions.territoire_code,
        partenaires.territoire_code as partenaire_territoire_code,
        coalesce(partenaires.territoire_code = interventions.territoire_code, false)
            as est_sur_territoire,
        partenaires.type_partenaire_code,
        nomenclatures.groupe as type_partenaire_groupe
    from pairs
    inner join interventions
        on
            pairs.annee_scolaire = interventions.annee_scolaire
            and pairs.intervention_id = interventions.intervention_id
    left join partenaires
        on
            pairs.annee_scolaire = partenaires.annee_scolaire
            and pairs.partenaire_id = partenaires.partenaire_id
    left join nomenclatures
        on
            nomenclatures.field = 'type_partenaire'
            and partenaires.type_partenaire_code = nomenclatures.code
)

select * from final
