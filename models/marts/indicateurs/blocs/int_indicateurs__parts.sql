{#- The shares of chapters 1 (the jeunes), 2 (the families) and 3 (the follow-ups):
    numerators (by modality) and denominators (modality `*`), by scope, territory and
    département.
    Each counted unit is one row: a jeune, a measure, an intervention, an objective of
    an intervention, a mobilisation... First the numerator units (with their modality),
    then the units of the shares that have their own denominator, as plain selects (the
    indicators read on one row of a fact are one lateral `values` list: a unit outside
    an indicator's population gets no modality, and so counts in neither count);
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
    -- chapters 1 and 2, the jeunes: one row per jeune and indicator (a unit outside an
    -- indicator's population has no modality, and so counts nowhere)
    select
        j.annee_scolaire,
        j.perimetre,
        j.territoire_code,
        u.indicateur,
        u.modalite
    from origines as j
    cross join
        lateral (
            values
            ('sexe', j.sexe_code),
            ('age', j.age_modalite),
            ('classe_age', j.classe_age),
            ('classe', j.classe_code),
            ('anciennete', j.anciennete_modalite),
            ('hebergement', j.hebergement_code),
            ('mesure_connue', case when j.a_mesure then 'OUI' end),
            ('aide_financiere_connue', case when j.a_aide_financiere then 'OUI' end),
            ('configuration_familiale', j.configuration_familiale_code),
            ('ressources_sans_salaire', case when j.a_ressource and not j.a_salaire then 'OUI' end),
            ('origine_groupe', j.origine_groupe),
            (
                'origine_publics',
                case when j.origine_groupe = 'PUBLICS' then j.origine_demande_code end
            ),
            ('origine_partenaires', case when j.par_partenaire then j.origine_sous_groupe end),
            (
                'origine_partenaires_hors_en',
                case
                    when
                        j.par_partenaire and j.origine_sous_groupe <> 'EDUCATION_NATIONALE'
                        then j.origine_sous_groupe
                end
            ),
            ('origine_partenaire', case when j.par_partenaire then j.origine_demande_code end),
            (
                'origine_fonction_etab',
                case when j.origine_demande_code = 'PART_ETAB' then j.origine_fonction_etab_code end
            ),
            (
                'origine_professionnels',
                case when j.origine_groupe = 'PROFESSIONNELS_PS' then j.origine_demande_code end
            ),
            ('demande_principale', j.demande_principale_code),
            (
                'demande_scolarite',
                case when j.demande_principale_code = 'SCOL' then j.demande_scolarite_code end
            )
        ) as u (indicateur, modalite)
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
        'aide_financiere' as indicateur,
        aide_financiere_code as modalite
    from aides
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
        j.annee_scolaire,
        j.perimetre,
        j.territoire_code,
        u.indicateur
    from jeunes as j
    cross join
        lateral (
            values
            ('mesure_connue', true),
            ('aide_financiere_connue', true),
            ('mesure_groupe', j.a_mesure),
            ('mesure', j.a_mesure),
            ('aide_financiere', j.a_aide_financiere),
            ('ressource', j.a_ressource),
            ('ressources_sans_salaire', j.a_ressource)
        ) as u (indicateur, compte)
    where u.compte
    union all
    select
        i.annee_scolaire,
        i.perimetre,
        i.territoire_code,
        u.indicateur
    from interventions as i
    cross join
        lateral (
            values
            ('objectif', i.a_objectif),
            ('objectif_theme', i.a_objectif),
            ('membre_famille', i.a_membre_famille),
            ('objectif_famille', i.a_objectif_famille)
        ) as u (indicateur, compte)
    where u.compte
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
