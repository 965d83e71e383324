{#- Chapter 1, the jeunes: one row per jeune accompagné (fct_accompagnement), measures
    and aids from the reference situation's bridges.
    Written like chapter 3: the numerator units (one row per counted unit, with its
    modality), the denominator units, then one aggregation for each, where
    `rollup(territoire_code)` gives the territory rows and the département row.
    "Non renseigné" leaves a share: a unit without modality is in neither count. -#}
with jeunes as (
    {{ avec_perimetres(ref('fct_accompagnement')) }}
),

mesures as (
    {{ avec_perimetres(ref('fct_accompagnement_mesure')) }}
),

aides as (
    {{ avec_perimetres(ref('fct_accompagnement_aide_financiere')) }}
),

-- One row per counted unit of a numerator, with its modality.
unites_numerateur as (
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
),

-- The shares whose denominator is not their numerator's units: every jeune (is a
-- measure, an aid known?), the jeunes with at least one measure, one aid.
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
