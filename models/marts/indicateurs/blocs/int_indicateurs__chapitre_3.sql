{#- Chapter 3, the follow-ups: origin and demand (jeunes), interventions, mobilisations
    and partner mobilisations.
    Each counted unit is one row: a jeune, an intervention, an objective of an
    intervention, a mobilisation... First the numerator units (with their modality),
    then the denominator units, as plain selects; then one aggregation for each, where
    `rollup(territoire_code)` gives the territory rows and the département row.
    "Non renseigné" leaves a share: a unit without modality is in neither count. -#}
with jeunes as (
    {{ avec_perimetres(ref('fct_accompagnement')) }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

objectifs as (
    {{ avec_perimetres(ref('fct_intervention_objectif')) }}
),

membres as (
    {{ avec_perimetres(ref('fct_intervention_membre_famille')) }}
),

objectifs_famille as (
    {{ avec_perimetres(ref('fct_intervention_objectif_famille')) }}
),

mobilisations as (
    {{ avec_perimetres(ref('fct_mobilisation')) }}
),

partenaires as (
    select
        *,
        case
            when est_sur_territoire then 'SUR_TERRITOIRE' else 'HORS_TERRITOIRE'
        end as territorialite
    from ({{ avec_perimetres(ref('fct_mobilisation_partenaire')) }}) as p
),

partenaires_sur as (
    select * from partenaires
    where est_sur_territoire
),

origines as (
    select
        *,
        origine_groupe = 'PARTENAIRES' as par_partenaire
    from jeunes
),

-- One row per counted unit of a numerator, with its modality.
unites_numerateur as (
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'origine_groupe' as indicateur,
        origine_groupe as modalite
    from origines
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'origine_publics' as indicateur,
        origine_demande_code as modalite
    from origines
    where origine_groupe = 'PUBLICS'
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'origine_partenaires' as indicateur,
        origine_sous_groupe as modalite
    from origines
    where par_partenaire
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'origine_partenaires_hors_en' as indicateur,
        origine_sous_groupe as modalite
    from origines
    where par_partenaire and origine_sous_groupe <> 'EDUCATION_NATIONALE'
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'origine_partenaire' as indicateur,
        origine_demande_code as modalite
    from origines
    where par_partenaire
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'origine_fonction_etab' as indicateur,
        origine_fonction_etab_code as modalite
    from origines
    where origine_demande_code = 'PART_ETAB'
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'origine_professionnels' as indicateur,
        origine_demande_code as modalite
    from origines
    where origine_groupe = 'PROFESSIONNELS_PS'
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'demande_principale' as indicateur,
        demande_principale_code as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'demande_scolarite' as indicateur,
        demande_scolarite_code as modalite
    from jeunes
    where demande_principale_code = 'SCOL'
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'lieu' as indicateur,
        lieu_code as modalite
    from interventions
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'objectif' as indicateur,
        objectif_code as modalite
    from objectifs
    union all
    -- a theme counts an intervention once, however many of its objectives it holds
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'objectif_theme' as indicateur,
        objectif_groupe as modalite
    from (
        select distinct
            annee_scolaire,
            perimetre,
            territoire_code,
            objectif_groupe,
            intervention_id
        from objectifs
    ) as themes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'mobilisation' as indicateur,
        categorie as modalite
    from mobilisations
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'membre_famille' as indicateur,
        membre_famille_code as modalite
    from membres
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'objectif_famille' as indicateur,
        objectif_famille_code as modalite
    from objectifs_famille
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'partenaires_territoire' as indicateur,
        territorialite as modalite
    from partenaires
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'partenaires_groupe' as indicateur,
        type_partenaire_groupe as modalite
    from partenaires_sur
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'partenaires_droit_commun' as indicateur,
        type_partenaire_code as modalite
    from partenaires_sur
    where type_partenaire_groupe = 'DROIT_COMMUN'
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'partenaires_social' as indicateur,
        type_partenaire_code as modalite
    from partenaires_sur
    where type_partenaire_groupe = 'SOCIAL_PJJ_SOIN'
),

-- The shares whose denominator is not their numerator's units: interventions with at
-- least one objective, one family member, one family objective.
unites_denominateur_propre as (
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'objectif' as indicateur
    from interventions
    where a_objectif
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'objectif_theme' as indicateur
    from interventions
    where a_objectif
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'membre_famille' as indicateur
    from interventions
    where a_membre_famille
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'objectif_famille' as indicateur
    from interventions
    where a_objectif_famille
),

indicateurs_denominateur_propre as (
    select distinct indicateur from unites_denominateur_propre
),

-- Every other share is a distribution: its denominator is its numerator's units that
-- have a modality.
unites_denominateur as (
    select
        u.annee_scolaire,
        u.perimetre,
        u.territoire_code,
        u.indicateur
    from unites_numerateur as u
    left join indicateurs_denominateur_propre as p
        on u.indicateur = p.indicateur
    where u.modalite is not null and p.indicateur is null
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        indicateur
    from unites_denominateur_propre
),

numerateurs as (
    select
        annee_scolaire,
        perimetre,
        case
            when grouping(territoire_code) = 1 then {{ code_departement() }}
            else territoire_code
        end as territoire_code,
        indicateur,
        cast(modalite as varchar) as modalite,
        cast(count(*) as bigint) as numerateur,
        cast(null as bigint) as denominateur
    from unites_numerateur
    where modalite is not null
    group by annee_scolaire, perimetre, indicateur, modalite, rollup(territoire_code)
),

denominateurs as (
    select
        annee_scolaire,
        perimetre,
        case
            when grouping(territoire_code) = 1 then {{ code_departement() }}
            else territoire_code
        end as territoire_code,
        indicateur,
        '*' as modalite,
        cast(null as bigint) as numerateur,
        cast(count(*) as bigint) as denominateur
    from unites_denominateur
    group by annee_scolaire, perimetre, indicateur, rollup(territoire_code)
),

final as (
    select * from numerateurs
    union all
    select * from denominateurs
)

select * from final
