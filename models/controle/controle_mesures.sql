{{ config(
    materialized='incremental',
    incremental_strategy='ajout',
    unique_key=none,
    full_refresh=false,
) }}

{#- The October audit's measures of every version of every school year: one row per
    (year, drop load_id, level, object, measure). Appended once per new drop and never
    rebuilt (full_refresh=false): a re-export of a published year is compared with the
    version that was published, and a purged year keeps the measures of its detail.
    Levels: fichier (lines, rejections, content hash), departement, territoire,
    structure, poste (jeunes, interventions, actions), mois (interventions per month),
    champ and champ_structure (fill rates of marts.qualite_saisie, PS), code (uses of
    each nomenclature code), libelle_inconnu (labels set aside as unknown). -#}
{%- set tables_bdc = [
    'structures', 'colleges', 'postes', 'partenaires', 'affectations', 'usagers',
    'situations', 'interventions', 'actions_ponctuelles', 'actions_collectives',
    'actions_participants',
] %}

with chargements as (
    select * from {{ ref('stg_bdc__chargements') }}
),

quarantaine as (
    select * from {{ ref('stg_bdc__quarantaine') }}
),

accompagnements as (
    select * from {{ ref('fct_accompagnement') }}
),

interventions as (
    select * from {{ ref('fct_intervention') }}
),

actions as (
    select * from {{ ref('fct_action') }}
),

interventions_datees as (
    select * from {{ ref('stg_bdc__interventions') }}
),

structures as (
    select * from {{ ref('stg_bdc__structures') }}
),

qualite as (
    select * from {{ ref('qualite_saisie') }}
),

territoires as (
    select * from {{ ref('territoires') }}
),

purgees as (
    {{ controle_annees_purgees() }}
),

versions as (
    select distinct
        chargements.annee_scolaire,
        chargements.load_id
    from chargements
    where
        chargements.annee_scolaire not in (select purgees.annee_scolaire from purgees)
    {%- if is_incremental() %}
            and not exists (
                select 1 from {{ this }} as deja
                where
                    deja.annee_scolaire = chargements.annee_scolaire
                    and deja.load_id = chargements.load_id
            )
        {%- endif %}
),

rejets as (
    select
        annee_scolaire,
        table_bdc,
        sum(
            case
                when traitement = 'ligne écartée' and motif_type = 'hors_annee' then 1 else 0
            end
        ) as hors_annee
    from quarantaine
    group by annee_scolaire, table_bdc
),

empreintes as (
    {%- for table in tables_bdc %}
        {%- set texte = controle_texte_ligne(ref('stg_bdc__' ~ table)) %}
        select
            annee_scolaire,
            '{{ table }}' as table_bdc,
            cast(count(*) as bigint) as lignes,
            md5(string_agg({{ texte }}, chr(10) order by {{ texte }})) as empreinte
        from {{ ref('stg_bdc__' ~ table) }}
        where annee_scolaire in (select versions.annee_scolaire from versions)
        group by annee_scolaire
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

fichiers as (
    select
        chargements.annee_scolaire,
        chargements.table_bdc,
        chargements.fichier,
        chargements.lignes_lues,
        chargements.lignes_chargees,
        chargements.lignes_ecartees,
        chargements.valeurs_videes,
        coalesce(rejets.hors_annee, 0) as hors_annee,
        empreintes.empreinte
    from chargements
    left join rejets
        on
            chargements.annee_scolaire = rejets.annee_scolaire
            and chargements.table_bdc = rejets.table_bdc
    left join empreintes
        on
            chargements.annee_scolaire = empreintes.annee_scolaire
            and chargements.table_bdc = empreintes.table_bdc
),

mesures_fichiers as (
    select
        annee_scolaire,
        'fichier' as niveau,
        table_bdc as objet_id,
        fichier as objet_libelle,
        'lignes' as mesure,
        lignes_chargees as numerateur,
        lignes_lues as denominateur,
        empreinte
    from fichiers
    union all
    select
        annee_scolaire,
        'fichier' as niveau,
        table_bdc as objet_id,
        fichier as objet_libelle,
        'lignes_ecartees' as mesure,
        lignes_ecartees as numerateur,
        lignes_lues as denominateur,
        cast(null as varchar) as empreinte
    from fichiers
    union all
    select
        annee_scolaire,
        'fichier' as niveau,
        table_bdc as objet_id,
        fichier as objet_libelle,
        'valeurs_videes' as mesure,
        valeurs_videes as numerateur,
        lignes_chargees as denominateur,
        cast(null as varchar) as empreinte
    from fichiers
    union all
    select
        annee_scolaire,
        'fichier' as niveau,
        table_bdc as objet_id,
        fichier as objet_libelle,
        'hors_annee' as mesure,
        hors_annee as numerateur,
        lignes_lues as denominateur,
        cast(null as varchar) as empreinte
    from fichiers
),

activite as (
    select
        annee_scolaire,
        'jeunes' as mesure,
        territoire_code,
        structure_id,
        cast(null as varchar) as poste_id
    from accompagnements
    where annee_scolaire in (select versions.annee_scolaire from versions)
    union all
    select
        annee_scolaire,
        'interventions' as mesure,
        territoire_code,
        structure_id,
        poste_id
    from interventions
    where annee_scolaire in (select versions.annee_scolaire from versions)
    union all
    select
        annee_scolaire,
        'actions' as mesure,
        territoire_code,
        structure_id,
        cast(null as varchar) as poste_id
    from actions
    where annee_scolaire in (select versions.annee_scolaire from versions)
),

volumes as (
    select
        annee_scolaire,
        mesure,
        'departement' as niveau,
        {{ code_departement() }} as objet_id,
        cast(count(*) as bigint) as numerateur
    from activite
    group by annee_scolaire, mesure
    union all
    select
        annee_scolaire,
        mesure,
        'territoire' as niveau,
        territoire_code as objet_id,
        cast(count(*) as bigint) as numerateur
    from activite
    group by annee_scolaire, mesure, territoire_code
    union all
    select
        annee_scolaire,
        mesure,
        'structure' as niveau,
        structure_id as objet_id,
        cast(count(*) as bigint) as numerateur
    from activite
    group by annee_scolaire, mesure, structure_id
    union all
    select
        annee_scolaire,
        mesure,
        'poste' as niveau,
        poste_id as objet_id,
        cast(count(*) as bigint) as numerateur
    from activite
    group by annee_scolaire, mesure, poste_id
),

noms_structures as (
    select distinct
        annee_scolaire,
        structure_id,
        structure_nom
    from structures
),

mesures_volumes as (
    select
        volumes.annee_scolaire,
        volumes.niveau,
        volumes.objet_id,
        coalesce(
            territoires.territoire_libelle, noms_structures.structure_nom, volumes.objet_id
        ) as objet_libelle,
        volumes.mesure,
        volumes.numerateur,
        cast(null as bigint) as denominateur,
        cast(null as varchar) as empreinte
    from volumes
    left join territoires
        on
            volumes.niveau in ('territoire', 'departement')
            and volumes.objet_id = territoires.territoire_code
    left join noms_structures
        on
            volumes.niveau = 'structure'
            and volumes.annee_scolaire = noms_structures.annee_scolaire
            and volumes.objet_id = noms_structures.structure_id
    where volumes.objet_id is not null
),

mesures_mois as (
    select
        annee_scolaire,
        'mois' as niveau,
        left(cast(intervention_date as varchar), 7) as objet_id,
        left(cast(intervention_date as varchar), 7) as objet_libelle,
        'interventions' as mesure,
        cast(count(*) as bigint) as numerateur,
        cast(null as bigint) as denominateur,
        cast(null as varchar) as empreinte
    from interventions_datees
    where
        annee_scolaire in (select versions.annee_scolaire from versions)
        and intervention_date is not null
    group by annee_scolaire, left(cast(intervention_date as varchar), 7)
),

mesures_champs as (
    select
        qualite.annee_scolaire,
        case when qualite.structure_id is null then 'champ' else 'champ_structure' end
            as niveau,
        case
            when qualite.structure_id is null then qualite.objet
            else qualite.structure_id || ' ' || qualite.objet
        end as objet_id,
        case
            when qualite.structure_id is null then qualite.objet
            else
                coalesce(noms_structures.structure_nom, qualite.structure_id)
                || ' : ' || qualite.objet
        end as objet_libelle,
        'taux_renseignement' as mesure,
        qualite.numerateur,
        qualite.denominateur,
        cast(null as varchar) as empreinte
    from qualite
    left join noms_structures
        on
            qualite.annee_scolaire = noms_structures.annee_scolaire
            and qualite.structure_id = noms_structures.structure_id
    where
        qualite.mesure = 'taux_renseignement'
        and qualite.perimetre = 'PS'
        and (qualite.structure_id is not null or qualite.territoire_code = {{ code_departement() }})
        and qualite.annee_scolaire in (select versions.annee_scolaire from versions)
),

codes as (
    select
        cast(null as varchar) as annee_scolaire,
        cast(null as varchar) as objet_id,
        cast(null as varchar) as modalite,
        cast(null as bigint) as numerateur
    where 1 = 0
    {%- for table in tables_bdc %}
        {%- for colonne in controle_colonnes_codees(ref('stg_bdc__' ~ table)) %}
            union all
            select
                annee_scolaire,
                '{{ table }}.{{ colonne[:-5] }}',
                {{ colonne }},
                cast(count(*) as bigint)
            from {{ ref('stg_bdc__' ~ table) }}
            where
                {{ colonne }} is not null
                and annee_scolaire in (select versions.annee_scolaire from versions)
            group by annee_scolaire, {{ colonne }}
        {%- endfor %}
    {%- endfor %}
),

mesures_codes as (
    select
        annee_scolaire,
        'code' as niveau,
        objet_id || ' = ' || modalite as objet_id,
        objet_id || ' = ' || modalite as objet_libelle,
        'occurrences' as mesure,
        numerateur,
        cast(null as bigint) as denominateur,
        cast(null as varchar) as empreinte
    from codes
),

mesures_libelles as (
    select
        annee_scolaire,
        'libelle_inconnu' as niveau,
        table_bdc || '.' || colonne as objet_id,
        table_bdc || '.' || colonne as objet_libelle,
        'occurrences' as mesure,
        cast(count(*) as bigint) as numerateur,
        cast(null as bigint) as denominateur,
        cast(null as varchar) as empreinte
    from quarantaine
    where
        motif_type = 'libelle_inconnu'
        and annee_scolaire in (select versions.annee_scolaire from versions)
    group by annee_scolaire, table_bdc, colonne
),

mesures as (
    select * from mesures_fichiers
    union all
    select * from mesures_volumes
    union all
    select * from mesures_mois
    union all
    select * from mesures_champs
    union all
    select * from mesures_codes
    union all
    select * from mesures_libelles
),

final as (
    select
        versions.annee_scolaire,
        versions.load_id,
        mesures.niveau,
        mesures.objet_id,
        mesures.objet_libelle,
        mesures.mesure,
        cast(mesures.numerateur as bigint) as numerateur,
        cast(mesures.denominateur as bigint) as denominateur,
        mesures.empreinte
    from versions
    inner join mesures on versions.annee_scolaire = mesures.annee_scolaire
)

select * from final
