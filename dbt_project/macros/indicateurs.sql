{#-
  Building blocks of the indicator families. Each count is made at two levels: by
  territory, and for the département (`NORD`), counted again over all rows (a rollup
  over the territory) so that distinct counts stay distinct (an educator who moved territory counts
  once).
  A family model is a union of `numerateur(...)` and `denominateur(...)` rows:
  numerator rows carry a modality, denominator rows the modality '*' (the whole
  indicator) or, for taux_renseignement, the field they belong to.
-#}

{#- Each count is one grouping: `rollup(territoire_code)` gives the territory rows and
    the département row (territory grouped away, labelled NORD) in one pass — the same
    as `grouping sets ((..., territoire_code), (...))`, which sqlfluff cannot parse. -#}
{% macro numerateur(indicateur, relation, modalite, where='true', unit='count(*)') -%}
    select
        annee_scolaire,
        perimetre,
        case when grouping(territoire_code) = 1 then {{ code_departement() }} else territoire_code end
            as territoire_code,
        '{{ indicateur }}' as indicateur,
        cast({{ modalite }} as varchar) as modalite,
        cast({{ unit }} as bigint) as numerateur,
        cast(null as bigint) as denominateur
    from {{ relation }}
    where ({{ where }}) and {{ modalite }} is not null
    {#- A constant modality is not grouped by: PostgreSQL refuses a constant in GROUP BY. #}
    group by annee_scolaire, perimetre,
        {%- if not (modalite | trim).startswith("'") %} {{ modalite }},{% endif %} rollup(territoire_code)
{%- endmacro %}

{% macro denominateur(indicateur, relation, where='true', unit='count(*)', modalite="'*'") -%}
    select
        annee_scolaire,
        perimetre,
        case when grouping(territoire_code) = 1 then {{ code_departement() }} else territoire_code end
            as territoire_code,
        '{{ indicateur }}' as indicateur,
        {{ modalite }} as modalite,
        cast(null as bigint) as numerateur,
        cast({{ unit }} as bigint) as denominateur
    from {{ relation }}
    where {{ where }}
    group by annee_scolaire, perimetre, rollup(territoire_code)
{%- endmacro %}

{# A distribution leaving "non renseigné" out of numerator and denominator. #}
{% macro distribution(indicateur, relation, modalite, where='true', unit='count(*)') -%}
    {{ numerateur(indicateur, relation, modalite, where, unit) }}
    union all
    {{ denominateur(indicateur, relation, where ~ ' and ' ~ modalite ~ ' is not null', unit) }}
{%- endmacro %}

{# Rows of a fact tagged by scope: every row is PS, rows with `est_alses` also ALSES. #}
{% macro avec_perimetres(relation) -%}
    select
        facts.*,
        perimetres.perimetre
    from {{ relation }} as facts
    inner join (
        select 'ALSES' as perimetre
        union all
        select 'PS' as perimetre
    ) as perimetres
        on perimetres.perimetre = 'PS' or facts.est_alses
{%- endmacro %}
