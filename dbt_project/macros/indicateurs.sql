{#- Helpers of the indicator layer. The indicator blocks themselves are plain SQL
    (models/marts/indicateurs/blocs/): units, then one aggregation with
    `rollup(territoire_code)`. -#}

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
