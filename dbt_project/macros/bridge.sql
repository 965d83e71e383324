{#-
  Bridge of a multi-valued `|` field: one row per (keys, distinct item). With `field`
  the items are codes of that nomenclature (written by the extraction beside the labels,
  see docs/regles.md); without, they are ids.
-#}
{% macro bridge(model, keys, column, field=none, value_name=none) -%}
with source as (
    select
        {{ keys | join(', ') }},
        {{ column }}
    from {{ ref(model) }}
    where {{ column }} is not null and {{ dans_annees() }}
),

items as (
    select
        {{ keys | join(', ') }},
        trim({{ split_items(column) }}) as item
    from source
),

coded as (
    select
        {{ keys | join(', ') }},
        item as {{ value_name }}
    from items
    where item <> ''
),

final as (
    select distinct *
    from coded
    where {{ value_name }} is not null
)

select * from final
{%- endmacro %}
