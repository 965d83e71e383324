{#-
  Bridge of a multi-valued `|` field: one row per (keys, distinct item). With `field`
  the items are labels mapped to their nomenclature code; without, they are ids.
-#}
{% macro bridge(model, keys, column, field=none, value_name=none) -%}
with source as (
    select
        {{ keys | join(', ') }},
        {{ column }}
    from {{ ref(model) }}
    where {{ column }} is not null
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
        {% if field %}{{ bdc_code('item', field) }}{% else %}item{% endif %}
            as {{ value_name }}
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
