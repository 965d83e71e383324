{#- Helpers of the indicator layer. The indicator blocks themselves are plain SQL
    (models/marts/indicateurs/blocs/): units, then one aggregation with
    `rollup(territoire_code)`. -#}

{#- The one scope convention, unfolded here only: every fact keeps its honest grain (one
    row per accompagnement, intervention, post...) with the flag `est_alses`; the PS
    scope is every row, the ALSES scope the rows with `est_alses`. The indicator and
    quality blocks read each fact through this macro, which gives a row per scope;
    it reads the school years the block recomputes (increments.sql). -#}
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
    where {{ dans_annees('facts.annee_scolaire') }}
{%- endmacro %}
