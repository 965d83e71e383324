{#- The analysts' table: every indicator of the catalogue, for every loaded school
    year, both scopes, the département (NORD) and every territory, every modality
    (numerateur 0 where nothing falls in it), with rank and previous year.
    Incremental on annee_scolaire (delete + insert of a year): var `annees` (a list)
    names the years a run recomputes; without it, or on a first or --full-refresh
    build, every year. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='annee_scolaire',
    on_schema_change='fail'
) }}

{#- each year recomputed, and the year before it (valeur_n_1); the years are partition
    keys, school-year folder names checked by the extraction -#}
{%- set annees = var('annees', none) if is_incremental() else none -%}
{%- if annees is not none -%}
{%- set lues = [] -%}
{%- for a in annees -%}
{%- do lues.extend([a, (a[:4] | int - 1) ~ '-' ~ a[:4]]) -%}
{%- endfor -%}
{%- set liste_annees = ("'" ~ (annees | join("', '")) ~ "'") if annees else 'null' -%}
{%- set liste_lues = ("'" ~ (lues | join("', '")) ~ "'") if lues else 'null' -%}
{%- endif %}

with catalogue as (
    select * from {{ ref('int_catalogue_modalites') }}
),

annees as (
    select * from {{ ref('dim_annee_scolaire') }}
    {%- if annees is not none %}
        where annee_scolaire in ({{ liste_lues }})
    {%- endif %}
),

territoires as (
    select * from {{ ref('dim_territoire') }}
),

comptes as (
    select * from {{ ref('int_indicateurs__volumes') }}
    union all
    select * from {{ ref('int_indicateurs__parts') }}
    union all
    select * from {{ ref('int_indicateurs__qualite') }}
),

numerateurs as (
    select * from comptes
    where numerateur is not null
),

denominateurs as (
    select * from comptes
    where denominateur is not null
),

perimetres as (
    select 'ALSES' as perimetre
    union all
    select 'PS' as perimetre
),

cellules as (
    select
        annees.annee_scolaire,
        annees.annee_precedente,
        perimetres.perimetre,
        territoires.territoire_code,
        territoires.territoire_libelle,
        territoires.ordre as territoire_ordre,
        catalogue.*
    from annees
    cross join perimetres
    cross join territoires
    cross join catalogue
    where perimetres.perimetre = 'ALSES' or not catalogue.est_alses_seulement
),

valeurs as (
    select
        cellules.*,
        coalesce(numerateurs.numerateur, 0) as numerateur,
        case
            when cellules.unite = 'pct' then coalesce(denominateurs.denominateur, 0)
        end as denominateur
    from cellules
    left join numerateurs
        on
            cellules.annee_scolaire = numerateurs.annee_scolaire
            and cellules.perimetre = numerateurs.perimetre
            and cellules.territoire_code = numerateurs.territoire_code
            and cellules.indicateur = numerateurs.indicateur
            and cellules.modalite = numerateurs.modalite
    left join denominateurs
        on
            cellules.annee_scolaire = denominateurs.annee_scolaire
            and cellules.perimetre = denominateurs.perimetre
            and cellules.territoire_code = denominateurs.territoire_code
            and cellules.indicateur = denominateurs.indicateur
            and denominateurs.modalite in ('*', cellules.modalite)
),

calculees as (
    select
        *,
        case
            when unite = 'nombre' then cast(numerateur as double precision)
            else {{ pct('numerateur', 'denominateur') }}
        end as valeur
    from valeurs
),

rangees as (
    select
        *,
        case
            when unite = 'pct' and indicateur <> 'taux_renseignement' and valeur is not null
                then cast(rank() over (
                    partition by
                        annee_scolaire, perimetre, territoire_code, indicateur,
                        (
                            unite = 'pct' and indicateur <> 'taux_renseignement'
                            and valeur is not null
                        )
                    order by valeur desc
                ) as integer)
        end as rang
    from calculees
),

final as (
    select
        courante.annee_scolaire,
        courante.perimetre,
        courante.territoire_code,
        courante.territoire_libelle,
        courante.indicateur,
        courante.indicateur_libelle,
        courante.modalite,
        courante.modalite_libelle,
        courante.numerateur,
        courante.denominateur,
        courante.valeur,
        courante.unite,
        courante.rang,
        precedente.valeur as valeur_n_1,
        case
            when courante.unite = 'pct' then courante.valeur - precedente.valeur
        end as evolution_points
    from rangees as courante
    left join rangees as precedente
        on
            courante.annee_precedente = precedente.annee_scolaire
            and courante.perimetre = precedente.perimetre
            and courante.territoire_code = precedente.territoire_code
            and courante.indicateur = precedente.indicateur
            and courante.modalite = precedente.modalite
    {%- if annees is not none %}
        where courante.annee_scolaire in ({{ liste_annees }})
    {%- endif %}
)

select * from final
