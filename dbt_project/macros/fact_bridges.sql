{#- Facts at the grain (row of `fact` × item of a multi-valued field): the item's code
    and its nomenclature group, with the fact's scope and territory kept beside them.
    `via` joins the items through another model (the reference situation). -#}
{% macro fact_bridge(fact, fact_keys, items, item_keys, code_column, field, carried, via=none) -%}
with facts as (
    select * from {{ ref(fact) }}
    where {{ dans_annees() }}
),

{% if via %}
via as (
    select * from {{ ref(via) }}
    where {{ dans_annees() }}
),

{% endif %}
items as (
    select * from {{ ref(items) }}
    where {{ dans_annees() }}
),

nomenclatures as (
    select * from {{ ref('nomenclatures') }}
),

final as (
    select
        {% for column in fact_keys + carried %}facts.{{ column }},
        {% endfor %}items.{{ code_column }},
        nomenclatures.groupe as {{ field }}_groupe
    from facts
    {% if via %}
        inner join via
            on
                {% for k in fact_keys %}facts.{{ k }} = via.{{ k }}
                {% if not loop.last %}and {% endif %}{% endfor %}
    {% endif %}
    inner join items
        on
            {% for k in item_keys %}{{ 'via' if via else 'facts' }}.{{ k }} = items.{{ k }}
            {% if not loop.last %}and {% endif %}{% endfor %}
    left join nomenclatures
        on
            nomenclatures.field = '{{ field }}'
            and items.{{ code_column }} = nomenclatures.code
)

select * from final
{%- endmacro %}
