{#- The analysts' table: every indicator of the catalogue, for every loaded school
    year, both scopes, the département (NORD) and every territory, every modality
    (numerateur 0 where nothing falls in it), with rank and previous year.
    Incremental on annee_scolaire (dbt_project/macros/increments.sql): a run recomputes
    the years of ALSES_DBT_ANNEES and the next loaded year of each
    (ALSES_DBT_ANNEES_SUIVANTES: their valeur_n_1 and evolution_points read the
    corrected year); without it, or on a first or --full-refresh build, every year. -#}
{{ config(materialized='incremental') }}

{#- A recomputed year needs its previous year's values (valeur_n_1). When that year is
    not recomputed too, its rows are read as they stand in this table: they are
    current (a run that changes a year always recomputes the next one) and, for a
    purged year, frozen (alses/retention.py) — never recomputed from a purged drop. -#}
{%- set recalculees = annees_recalculees(suivantes=true) -%}
{%- if recalculees is not none -%}
{%- set precedentes = [] -%}
{%- for a in recalculees -%}
{%- set p = (a[:4] | int - 1) ~ '-' ~ a[:4] -%}
{%- if p not in recalculees -%}
{%- do precedentes.append(p) -%}
{%- endif -%}
{%- endfor -%}
{%- endif %}

with catalogue as (
    select * from {{ ref('int_catalogue_modalites') }}
),

annees as (
    select * from {{ ref('dim_annee_scolaire') }}
    where {{ dans_annees(suivantes=true) }}
),

territoires as (
    select * from {{ ref('dim_territoire') }}
),

comptes as (
    select * from {{ ref('int_indicateurs__volumes') }}
    where {{ dans_annees(suivantes=true) }}
    union all
    select * from {{ ref('int_indicateurs__parts') }}
    where {{ dans_annees(suivantes=true) }}
    union all
    select * from {{ ref('int_indicateurs__qualite') }}
    where {{ dans_annees(suivantes=true) }}
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

{#- the previous year's values: computed here, or read from this table -#}
{%- set valeurs = ['annee_scolaire', 'perimetre', 'territoire_code', 'indicateur',
    'modalite', 'valeur'] %}

precedentes as (
    select {{ valeurs | join(', ') }} from rangees
    {%- if recalculees is not none and precedentes %}
        union all
        select {{ valeurs | join(', ') }} from {{ this }}
        where annee_scolaire in ({{ liste_annees(precedentes) }})
    {%- endif %}
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
    left join precedentes as precedente
        on
            courante.annee_precedente = precedente.annee_scolaire
            and courante.perimetre = precedente.perimetre
            and courante.territoire_code = precedente.territoire_code
            and courante.indicateur = precedente.indicateur
            and courante.modalite = precedente.modalite
)

select * from final
