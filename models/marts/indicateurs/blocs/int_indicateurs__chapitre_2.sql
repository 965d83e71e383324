{#- Chapter 2, the families: configuration and resources of the reference situation.
    Written like chapter 3: the numerator units (one row per counted unit, with its
    modality), the denominator units, then one aggregation for each, where
    `rollup(territoire_code)` gives the territory rows and the département row.
    "Non renseigné" leaves a share: a unit without modality is in neither count. -#}
with jeunes as (
    {{ avec_perimetres(ref('fct_accompagnement')) }}
),

ressources as (
    {{ avec_perimetres(ref('fct_accompagnement_ressource')) }}
),

-- One row per counted unit of a numerator, with its modality.
unites_numerateur as (
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
),

-- The shares whose denominator is not their numerator's units: the jeunes whose
-- family has at least one resource.
unites_denominateur_propre as (
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
