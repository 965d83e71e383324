{{ config(materialized='incremental') }}

{#- One row per jeune accompagné and school year, carrying the fiche Usager of that
    year's drop and the reference situation. est_alses: accompagné by an ALSES post
    (the ALSES scope; PS is every row, like every fact). -#}
with accompagnes as (
    select * from {{ ref('int_jeunes_accompagnes_par_annee') }}
    where {{ dans_annees() }}
),

usagers as (
    select * from {{ ref('stg_bdc__usagers') }}
    where {{ dans_annees() }}
),

reference as (
    select * from {{ ref('int_situation_reference_par_annee') }}
    where {{ dans_annees() }}
),

mesures as (
    select * from {{ ref('int_situations__mesures') }}
    where {{ dans_annees() }}
),

aides as (
    select * from {{ ref('int_situations__aides_financieres') }}
    where {{ dans_annees() }}
),

ressources as (
    select * from {{ ref('int_situations__ressources') }}
    where {{ dans_annees() }}
),

nomenclatures as (
    select * from {{ ref('nomenclatures') }}
),

-- The age modalities and classes, with their bounds (seed modalites_fixes).
ages as (
    select * from {{ ref('modalites_fixes') }}
    where indicateur in ('age', 'classe_age')
),

par_situation as (
    select
        reference.annee_scolaire,
        reference.situation_id,
        max(case when mesures.situation_id is not null then 1 else 0 end) = 1 as a_mesure,
        max(case when aides.situation_id is not null then 1 else 0 end) = 1
            as a_aide_financiere,
        max(case when ressources.situation_id is not null then 1 else 0 end) = 1
            as a_ressource,
        max(case when ressources.ressource_code = 'SALAIRE' then 1 else 0 end) = 1
            as a_salaire
    from reference
    left join mesures
        on
            reference.annee_scolaire = mesures.annee_scolaire
            and reference.situation_id = mesures.situation_id
    left join aides
        on
            reference.annee_scolaire = aides.annee_scolaire
            and reference.situation_id = aides.situation_id
    left join ressources
        on
            reference.annee_scolaire = ressources.annee_scolaire
            and reference.situation_id = ressources.situation_id
    group by reference.annee_scolaire, reference.situation_id
),

final as (
    select
        accompagnes.annee_scolaire,
        accompagnes.jeune_key,
        accompagnes.est_alses,
        accompagnes.territoire_code,
        accompagnes.structure_id,
        accompagnes.nb_interventions,
        usagers.sexe_code,
        usagers.naissance_date is not null as a_date_naissance,
        accompagnes.age_1er_janvier,
        par_age.modalite as age_modalite,
        par_classe.modalite as classe_age,
        usagers.debut_accompagnement_date is not null as a_debut_accompagnement,
        case when accompagnes.anciennete_annees >= 0 then accompagnes.anciennete_annees end
            as anciennete_annees,
        case
            when accompagnes.anciennete_annees = 0 then 'MOINS_1_AN'
            when accompagnes.anciennete_annees = 1 then '1_AN'
            when accompagnes.anciennete_annees = 2 then '2_ANS'
            when accompagnes.anciennete_annees >= 3 then '3_ANS_PLUS'
        end as anciennete_modalite,
        usagers.origine_demande_code,
        origines.groupe as origine_groupe,
        origines.sous_groupe as origine_sous_groupe,
        usagers.origine_fonction_etab_code,
        usagers.demande_principale_code,
        usagers.demande_scolarite_code,
        reference.situation_id is not null as a_situation,
        reference.situation_date,
        reference.scolarite_code,
        reference.college_uai,
        reference.classe_code,
        reference.hebergement_code,
        reference.configuration_familiale_code,
        reference.situation_professionnelle_code,
        reference.diplome_code,
        coalesce(par_situation.a_mesure, false) as a_mesure,
        coalesce(par_situation.a_aide_financiere, false) as a_aide_financiere,
        coalesce(par_situation.a_ressource, false) as a_ressource,
        coalesce(par_situation.a_salaire, false) as a_salaire
    from accompagnes
    left join usagers
        on
            accompagnes.annee_scolaire = usagers.annee_scolaire
            and accompagnes.jeune_key = usagers.jeune_key
    left join ages as par_age
        on
            par_age.indicateur = 'age'
            and (par_age.age_min is null or accompagnes.age_1er_janvier >= par_age.age_min)
            and (par_age.age_max is null or accompagnes.age_1er_janvier <= par_age.age_max)
    left join ages as par_classe
        on
            par_classe.indicateur = 'classe_age'
            and (par_classe.age_min is null or accompagnes.age_1er_janvier >= par_classe.age_min)
            and (par_classe.age_max is null or accompagnes.age_1er_janvier <= par_classe.age_max)
    left join nomenclatures as origines
        on
            origines.field = 'origine_demande'
            and usagers.origine_demande_code = origines.code
    left join reference
        on
            accompagnes.annee_scolaire = reference.annee_scolaire
            and accompagnes.jeune_key = reference.jeune_key
    left join par_situation
        on
            reference.annee_scolaire = par_situation.annee_scolaire
            and reference.situation_id = par_situation.situation_id
)

select * from final
