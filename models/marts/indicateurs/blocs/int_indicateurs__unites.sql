{#- The counted units of the shares of chapters 1 (the jeunes), 2 (the families) and 3
    (the follow-ups): one row per unit and count it enters (role `numerateur`, with its
    modality; role `denominateur`), with the jeune it belongs to. int_indicateurs__parts
    counts them; int_indicateurs__grappes sums them per jeune (the tests' clusters).
    Each counted unit is one row: a jeune, a measure, an intervention, an objective of
    an intervention, a mobilisation... First the numerator units (with their modality),
    then the units of the shares that have their own denominator, as plain selects (the
    indicators read on one row of a fact are one lateral `values` list: a unit outside
    an indicator's population gets no modality, and so counts in neither count);
    then the rule, written once: "non renseigné" leaves a share, a unit without
    modality is in neither count (every other share's denominator is its numerator's
    units that have a modality).
    Every fact is read through avec_perimetres: a row per scope (PS: every row; ALSES:
    the rows with est_alses). A fact of an intervention takes its jeune from the
    intervention. -#}
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
    select
        f.*,
        i.jeune_key
    from ({{ avec_perimetres(ref('fct_intervention_objectif')) }}) as f
    inner join interventions as i
        on
            f.annee_scolaire = i.annee_scolaire
            and f.perimetre = i.perimetre
            and f.intervention_id = i.intervention_id
),

membres as (
    select
        f.*,
        i.jeune_key
    from ({{ avec_perimetres(ref('fct_intervention_membre_famille')) }}) as f
    inner join interventions as i
        on
            f.annee_scolaire = i.annee_scolaire
            and f.perimetre = i.perimetre
            and f.intervention_id = i.intervention_id
),

objectifs_famille as (
    select
        f.*,
        i.jeune_key
    from ({{ avec_perimetres(ref('fct_intervention_objectif_famille')) }}) as f
    inner join interventions as i
        on
            f.annee_scolaire = i.annee_scolaire
            and f.perimetre = i.perimetre
            and f.intervention_id = i.intervention_id
),

mobilisations as (
    select
        f.*,
        i.jeune_key
    from ({{ avec_perimetres(ref('fct_mobilisation')) }}) as f
    inner join interventions as i
        on
            f.annee_scolaire = i.annee_scolaire
            and f.perimetre = i.perimetre
            and f.intervention_id = i.intervention_id
),

partenaires as (
    select
        p.*,
        i.jeune_key,
        case
            when p.est_sur_territoire then 'SUR_TERRITOIRE' else 'HORS_TERRITOIRE'
        end as territorialite
    from ({{ avec_perimetres(ref('fct_mobilisation_partenaire')) }}) as p
    inner join interventions as i
        on
            p.annee_scolaire = i.annee_scolaire
            and p.perimetre = i.perimetre
            and p.intervention_id = i.intervention_id
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
        j.jeune_key,
        j.est_alses,
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
        jeune_key,
        est_alses,
        'mesure_groupe' as indicateur,
        mesure_groupe as modalite
    from (
        select distinct
            annee_scolaire,
            perimetre,
            territoire_code,
            jeune_key,
            est_alses,
            mesure_groupe
        from mesures
    ) as groupes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'mesure' as indicateur,
        mesure_code as modalite
    from mesures
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'aide_financiere' as indicateur,
        aide_financiere_code as modalite
    from aides
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'ressource' as indicateur,
        ressource_code as modalite
    from ressources
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'lieu' as indicateur,
        lieu_code as modalite
    from interventions
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'objectif' as indicateur,
        objectif_code as modalite
    from objectifs
    union all
    -- a theme counts an intervention once, however many of its objectives it holds
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'objectif_theme' as indicateur,
        objectif_groupe as modalite
    from (
        select distinct
            annee_scolaire,
            perimetre,
            territoire_code,
            jeune_key,
            est_alses,
            objectif_groupe,
            intervention_id
        from objectifs
    ) as themes
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'mobilisation' as indicateur,
        categorie as modalite
    from mobilisations
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'membre_famille' as indicateur,
        membre_famille_code as modalite
    from membres
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'objectif_famille' as indicateur,
        objectif_famille_code as modalite
    from objectifs_famille
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'partenaires_territoire' as indicateur,
        territorialite as modalite
    from partenaires
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'partenaires_groupe' as indicateur,
        type_partenaire_groupe as modalite
    from partenaires_sur
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        'partenaires_droit_commun' as indicateur,
        type_partenaire_code as modalite
    from partenaires_sur
    where type_partenaire_groupe = 'DROIT_COMMUN'
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
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
        j.jeune_key,
        j.est_alses,
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
        i.jeune_key,
        i.est_alses,
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
        u.jeune_key,
        u.est_alses,
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
        jeune_key,
        est_alses,
        indicateur
    from unites_denominateur_propre
),

final as (
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        indicateur,
        cast(modalite as varchar) as modalite,
        'numerateur' as role
    from unites_numerateur
    where modalite is not null
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        est_alses,
        indicateur,
        cast(null as varchar) as modalite,
        'denominateur' as role
    from unites_denominateur
)

select * from final
