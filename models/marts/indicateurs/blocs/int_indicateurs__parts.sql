{#- The shares of chapters 1 (the jeunes), 2 (the families) and 3 (the follow-ups):
    numerators (by modality) and denominators (modality `*`), by scope, territory and
    département.
    Each counted unit is one row: a jeune, a measure, an intervention, an objective of
    an intervention, a mobilisation... First the numerator units (with their modality),
    then the units of the shares that have their own denominator, as plain selects;
    then the rule, written once: "non renseigné" leaves a share, a unit without
    modality is in neither count (every other share's denominator is its numerator's
    units that have a modality); then one aggregation for each count, where
    `rollup(territoire_code)` gives the territory rows and the département row.
    Every fact is read through avec_perimetres: a row per scope (PS: every row; ALSES:
    the rows with est_alses). -#}
with jeunes as (
    {{ avec_perimetres(ref('fct_accompagnement')) }}
),

mesures as (
    {{ avec_perimetres(ref('fct_accompagnement_mesure')) }}
),

aides as (
    {{ avec_perimetres(ref('fct_accompagnement_aide_financiere')) }}
),

ressources as (
    {{ avec_perimetres(ref('fct_accompagnement_ressource')) }}
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

-- One row per counted unit of a numerator, with its modality (empty: non renseigné).
unites_numerateur as (
    -- chapter 1, the jeunes
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'sexe' as indicateur,
        sexe_code as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'age' as indicateur,
        age_modalite as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'classe_age' as indicateur,
        classe_age as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'classe' as indicateur,
        classe_code as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'anciennete' as indicateur,
        anciennete_modalite as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'hebergement' as indicateur,
        hebergement_code as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'mesure_connue' as indicateur,
        'OUI' as modalite
    from jeunes
    where a_mesure
    union all
    -- a group counts a jeune once, however many of its measures he has
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'mesure_groupe' as indicateur,
        mesure_groupe as modalite
    from (
        select distinct
            annee_scolaire,
            perimetre,
            territoire_code,
            mesure_groupe,
            jeune_key
        from mesures
    ) as groupes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'mesure' as indicateur,
        mesure_code as modalite
    from mesures
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'aide_financiere_connue' as indicateur,
        'OUI' as modalite
    from jeunes
    where a_aide_financiere
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'aide_financiere' as indicateur,
        aide_financiere_code as modalite
    from aides
    union all
    -- chapter 2, the families
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'configuration_familiale' as indicateur,
        configuration_familiale_code as modalite
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'ressource' as indicateur,
        ressource_code as modalite
    from ressources
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'ressources_sans_salaire' as indicateur,
        'OUI' as modalite
    from jeunes
    where a_ressource and not a_salaire
    union all
    -- chapter 3, the follow-ups: origin and demand (jeunes), interventions,
    -- mobilisations and partner mobilisations
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

-- The shares whose denominator is not their numerator's units: every jeune (is a
-- measure, an aid known?); the jeunes with at least one measure, one aid, one family
-- resource; the interventions with at least one objective, one family member, one
-- family objective.
unites_denominateur_propre as (
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'mesure_connue' as indicateur
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'aide_financiere_connue' as indicateur
    from jeunes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'mesure_groupe' as indicateur
    from jeunes
    where a_mesure
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'mesure' as indicateur
    from jeunes
    where a_mesure
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'aide_financiere' as indicateur
    from jeunes
    where a_aide_financiere
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'ressource' as indicateur
    from jeunes
    where a_ressource
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        'ressources_sans_salaire' as indicateur
    from jeunes
    where a_ressource
    union all
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
        {{ territoire_ou_departement() }} as territoire_code,
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
        {{ territoire_ou_departement() }} as territoire_code,
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
